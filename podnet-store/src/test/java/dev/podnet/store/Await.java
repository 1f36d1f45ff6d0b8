package dev.podnet.store;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, for tests against stores whose effects arrive on another thread. */
public final class Await {

    private Await() {
    }

    public static void until(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + within.toMillis() + " ms for " + what);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }
}
