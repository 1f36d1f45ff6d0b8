package dev.podnet.sim;

import dev.podnet.cloud.sim.VirtualClock;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * The discrete-event loop: events run in time order (ties in the order they were scheduled, so a run repeats
 * exactly), and the one {@link VirtualClock} (also the emulator's clock) jumps to each event's time. Nothing sleeps.
 * Times are milliseconds since the start of the run.
 */
final class EventLoop {
    private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final VirtualClock clock;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long seq;
    private long now;
    private long processed;

    EventLoop(VirtualClock clock) {
        this.clock = clock;
    }

    long now() {
        return now;
    }

    long processed() {
        return processed;
    }

    void at(long time, Runnable action) {
        queue.add(new Event(Math.max(time, now), seq++, action));
    }

    void after(long delayMillis, Runnable action) {
        at(now + Math.max(0, delayMillis), action);
    }

    /** Runs every event up to and including {@code end}, then leaves the clock at {@code end}. */
    void runUntil(long end) {
        while (!queue.isEmpty() && queue.peek().at() <= end) {
            Event e = queue.poll();
            moveTo(e.at());
            processed++;
            e.action().run();
        }
        moveTo(end);
    }

    private void moveTo(long time) {
        if (time > now) {
            clock.advance(Duration.ofMillis(time - now));
            now = time;
        }
    }
}
