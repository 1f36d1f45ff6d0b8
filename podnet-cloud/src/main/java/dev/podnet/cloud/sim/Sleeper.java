package dev.podnet.cloud.sim;

import java.time.Duration;

/**
 * How the emulator waits out its call latency. Injected so that tests wait in virtual time ({@link VirtualClock})
 * instead of really sleeping.
 */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration);

    /**
     * Really sleeps. An interrupt ends the sleep early and leaves the thread's interrupt flag set, so the caller's
     * own loop sees it; the emulator call then goes on as if the latency had passed.
     */
    Sleeper REAL = duration -> {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    };
}
