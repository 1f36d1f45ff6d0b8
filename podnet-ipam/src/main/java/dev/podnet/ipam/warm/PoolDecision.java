package dev.podnet.ipam.warm;

import java.util.List;

/** What the planner decided for one pass: at most one action, the counts it decided on, and why, in words. */
public record PoolDecision(List<PoolAction> actions, PoolStats stats, String reason) {

    public PoolDecision {
        actions = List.copyOf(actions);
    }

    static PoolDecision act(PoolAction action, PoolStats stats, String reason) {
        return new PoolDecision(List.of(action), stats, reason);
    }

    static PoolDecision steady(PoolStats stats, String reason) {
        return new PoolDecision(List.of(), stats, reason);
    }

    public boolean isSteady() {
        return actions.isEmpty();
    }
}
