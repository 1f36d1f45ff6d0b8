package dev.podnet.warm;

import dev.podnet.net.ControlLoop;
import java.time.Duration;
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
    private final ControlLoop loop;
    private int failures;

    public WarmPoolLoop(WarmPool pool, Duration interval, RandomGenerator random) {
        this.pool = pool;
        this.interval = interval;
        this.random = random;
        this.loop = new ControlLoop("podnet-warm-pool", this::pass, new ControlLoop.Wait(MAX_BACKOFF, false));
        pool.onLow(loop::wake);
    }

    public WarmPoolLoop start() {
        loop.start();
        return this;
    }

    public void wake() {
        loop.wake();
    }

    private ControlLoop.Wait pass() {
        StepOutcome outcome;
        try {
            outcome = pool.step();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "warm-pool pass failed", e);
            outcome = StepOutcome.failed(java.util.Optional.empty(), e.toString(), true);
        }
        if (outcome.failure().isPresent()) {
            failures++;
            return new ControlLoop.Wait(backoff(failures), false);
        }
        failures = 0;
        return outcome.action().isPresent() ? ControlLoop.Wait.NONE : new ControlLoop.Wait(interval, true);
    }

    /** Full jitter: a random wait up to min(MAX, MIN x 2^failures), as AWS's backoff guidance recommends. */
    Duration backoff(int failures) {
        long cap = Math.min(MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(failures, 20));
        return Duration.ofMillis(MIN_BACKOFF.toMillis() / 2 + random.nextLong(Math.max(1, cap)));
    }

    @Override
    public void close() {
        loop.close();
    }
}
