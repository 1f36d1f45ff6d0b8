package dev.podnet.warm;

import dev.podnet.ipam.warm.PoolAction;
import java.util.Optional;

/**
 * One pass of the warm-pool loop: the action taken (if any), why, and the cloud failure that stopped it (if any).
 * {@code retryable} failures (throttling, EC2 unavailable) make the loop back off; the pool keeps serving pods.
 */
public record StepOutcome(Optional<PoolAction> action, String reason, Optional<String> failure, boolean retryable) {

    static StepOutcome steady(String reason) {
        return new StepOutcome(Optional.empty(), reason, Optional.empty(), false);
    }

    static StepOutcome acted(PoolAction action, String reason) {
        return new StepOutcome(Optional.of(action), reason, Optional.empty(), false);
    }

    static StepOutcome failed(Optional<PoolAction> action, String failure, boolean retryable) {
        return new StepOutcome(action, failure, Optional.of(failure), retryable);
    }

    public boolean isSteady() {
        return action.isEmpty() && failure.isEmpty();
    }
}
