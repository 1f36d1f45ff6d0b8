package dev.podnet.blocks;

import dev.podnet.store.StoreException;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Bounded compare-and-swap retries: an attempt that loses (CONFLICT) re-reads and tries again after a jittered,
 * exponentially growing pause, so nodes racing for one block spread out instead of colliding in step. After the last
 * attempt the CONFLICT says what was contended and how often; every other failure passes through at once. Public
 * for the cluster store's other contended keys (the agent's shared EC2 call budget).
 */
public final class Attempts {

    /** How a pause is taken; tests pass one that records instead of waiting. */
    public interface Sleeper {
        void sleep(Duration d);

        Sleeper REAL = d -> {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException(StoreException.Kind.UNAVAILABLE, "interrupted while backing off", e);
            }
        };
    }

    private static final Duration MAX_PAUSE = Duration.ofMillis(250);

    private final int max;
    private final Duration base;
    private final RandomGenerator random;
    private final Sleeper sleeper;

    public Attempts(int max, Duration base, RandomGenerator random, Sleeper sleeper) {
        this.max = max;
        this.base = base;
        this.random = random;
        this.sleeper = sleeper;
    }

    public <T> T run(String what, Supplier<T> attempt) {
        for (int i = 1; ; i++) {
            try {
                return attempt.get();
            } catch (StoreException e) {
                if (e.kind() != StoreException.Kind.CONFLICT) {
                    throw e;
                }
                if (i >= max) {
                    throw new StoreException(StoreException.Kind.CONFLICT, what + ": gave up after " + max
                            + " compare-and-swap attempts, another node changed it every time (" + e.getMessage() + ")", e);
                }
                sleeper.sleep(pause(i));
            }
        }
    }

    /** Full jitter up to min(MAX, base x 2^attempt). */
    Duration pause(int attempt) {
        long cap = Math.min(MAX_PAUSE.toNanos(), base.toNanos() << Math.min(attempt, 16));
        return cap <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(cap));
    }
}
