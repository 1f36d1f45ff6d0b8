package dev.podnet.cloud.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A clock that moves only when told: {@link #advance} or {@link #sleep} (a sleeper that lets no real time pass).
 * Thread-safe. Tests hand the same instance to the emulator as both its clock and its sleeper.
 */
public final class VirtualClock implements InstantSource, Sleeper {

    /** Where a clock made without a start begins: a fixed instant, so runs are repeatable. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    private Instant now;

    public VirtualClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    public VirtualClock() {
        this(DEFAULT_START);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    /** Moves time forward; a negative duration is refused because time in the emulator never goes back. */
    public synchronized Instant advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot move a clock back: " + duration);
        }
        now = now.plus(duration);
        return now;
    }

    /** Sleeping in virtual time is advancing it; negative durations count as zero, like Thread.sleep's. */
    @Override
    public void sleep(Duration duration) {
        if (!duration.isNegative()) {
            advance(duration);
        }
    }

    @Override
    public String toString() {
        return "VirtualClock[" + instant() + "]";
    }
}
