package dev.podnet.warm;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Runs {@link WarmPool#step()} on its own thread: again at once after an action, at {@code interval} when steady or
 * when woken by a pod that found the pool low, and with jittered exponential backoff after a cloud failure (so a
 * throttled account is not hammered; pods keep being served from the free list meanwhile).
 */
public final class WarmPoolLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WarmPoolLoop.class.getName());
    static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final WarmPool pool;
    private final Duration interval;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private boolean woken;
    private volatile boolean closed;

    public WarmPoolLoop(WarmPool pool, Duration interval, RandomGenerator random) {
        this.pool = pool;
        this.interval = interval;
        this.random = random;
        this.thread = Thread.ofPlatform().daemon().name("podnet-warm-pool").unstarted(this::run);
        pool.onLow(this::wake);
    }

    public WarmPoolLoop start() {
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
        int failures = 0;
        while (!closed) {
            StepOutcome outcome;
            try {
                outcome = pool.step();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "warm-pool pass failed", e);
                outcome = StepOutcome.failed(java.util.Optional.empty(), e.toString(), true);
            }
            if (outcome.failure().isPresent()) {
                failures++;
                pause(backoff(failures), false);
            } else if (outcome.action().isPresent()) {
                failures = 0;
            } else {
                failures = 0;
                pause(interval, true);
            }
        }
    }

    /** Full jitter: a random wait up to min(MAX, MIN x 2^failures), as AWS's backoff guidance recommends. */
    Duration backoff(int failures) {
        long cap = Math.min(MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(failures, 20));
        return Duration.ofMillis(MIN_BACKOFF.toMillis() / 2 + random.nextLong(Math.max(1, cap)));
    }

    private void pause(Duration d, boolean wakeable) {
        lock.lock();
        try {
            long nanos = d.toNanos();
            while (!closed && nanos > 0 && !(wakeable && woken)) {
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
