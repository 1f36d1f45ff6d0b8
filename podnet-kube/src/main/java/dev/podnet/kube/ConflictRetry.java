package dev.podnet.kube;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * A read-then-write to the API server, done again from the read while it meets a 409 Conflict (someone wrote the
 * object in between), at most {@code attempts} times in all. Any other error is thrown at once: only a conflict says
 * that a fresh read can succeed. Between attempts it pauses a short random while, so that writers that collided do
 * not collide again in lockstep.
 */
final class ConflictRetry {
    /** Waits before attempt {@code attempt + 1}; tests pass one that does not sleep. */
    @FunctionalInterface
    interface Backoff {
        void pause(int attempt) throws InterruptedException;

        /** No pause: for a writer that rarely meets another. */
        Backoff NONE = attempt -> { };

        /**
         * A random pause under a ceiling that doubles with every attempt already made (2, 4, 8 ... ms, at most 1 s):
         * a writer that keeps losing to a burst of others waits long enough for the burst to pass, where a ceiling
         * that grew by 1 ms an attempt let ten writers starve one of them through 50 attempts.
         */
        Backoff JITTERED = attempt -> Thread.sleep(ThreadLocalRandom.current().nextLong(
                Math.min(1L << Math.min(attempt, 10), 1000) + 1));
    }

    private ConflictRetry() {
    }

    /** {@code onConflict} runs at every 409 that is retried (a count for tests and metrics). */
    static <T> T retried(int attempts, Backoff backoff, Runnable onConflict, Supplier<T> readThenWrite) {
        for (int attempt = 1; ; attempt++) {
            try {
                return readThenWrite.get();
            } catch (KubeApiException e) {
                if (e.status() != 409 || attempt >= attempts) {
                    throw e;
                }
                onConflict.run();
                try {
                    backoff.pause(attempt);
                } catch (InterruptedException stop) {
                    // Asked to stop: the conflict is the answer, and the interrupt stays visible to the caller.
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
