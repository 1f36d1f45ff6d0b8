package dev.podnet.net;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A background control loop on a daemon thread of its own: runs a pass, waits as long as the pass asks, repeats until
 * closed. {@link #wake()} cuts a wakeable wait short (a pod found its pool low); backoff waits are not wakeable, so a
 * throttled API is not hammered by wake-ups. The warm pool and the cluster pools each run one.
 */
public final class ControlLoop implements AutoCloseable {

    /** What to do after a pass: wait this long; {@code wakeable} = a {@link #wake()} may end the wait early. */
    public record Wait(Duration duration, boolean wakeable) {
        public static final Wait NONE = new Wait(Duration.ZERO, true);
    }

    /** One pass of the loop. An exception is logged and treated as {@code onFailure}'s wait. */
    public interface Pass {
        Wait run();
    }

    private static final System.Logger LOG = System.getLogger(ControlLoop.class.getName());

    private final String name;
    private final Pass pass;
    private final Wait onFailure;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private boolean woken;
    private volatile boolean closed;

    public ControlLoop(String name, Pass pass, Wait onFailure) {
        this.name = name;
        this.pass = pass;
        this.onFailure = onFailure;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    public ControlLoop start() {
        thread.start();
        return this;
    }

    public void wake() {
        lock.lock();
        try {
            woken = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (!closed) {
            Wait next;
            try {
                next = pass.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, name + " pass failed", e);
                next = onFailure;
            }
            pause(next);
        }
    }

    private void pause(Wait w) {
        lock.lock();
        try {
            long nanos = w.duration().toNanos();
            while (!closed && nanos > 0 && !(w.wakeable() && woken)) {
                nanos = wake.awaitNanos(nanos);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
