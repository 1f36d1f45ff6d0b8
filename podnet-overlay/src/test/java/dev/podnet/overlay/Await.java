package dev.podnet.overlay;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition another thread brings about (the agent reacting to a watch), with a bound. */
final class Await {
    private Await() {
    }

    static void until(String what, Duration bound, BooleanSupplier condition) {
        until(what, bound, condition, () -> "");
    }

    /** @param state shown when time runs out, to say what was there instead */
    static void until(String what, Duration bound, BooleanSupplier condition, Supplier<Object> state) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + bound + ": " + what + "; state: " + state.get());
            }
            try {
                Thread.sleep(20); // polling the kernel and the agent's thread; there is nothing to be notified by
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }
}
