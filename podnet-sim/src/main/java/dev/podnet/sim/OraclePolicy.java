package dev.podnet.sim;

import dev.podnet.ipam.warm.WarmPoolConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Knows every node's arrivals and every pod's lifetime ahead. It must hold, free or in use, what the node will run
 * at its peak within one EC2 refill (create, attach, assign and the attach delay); when it is short, it fetches in
 * one call what the node will run at its peak within {@code horizonMillis}, and it gives back only what that peak
 * will not use. Seeing the future both ways keeps its addresses near the least any policy can hold with the calls
 * EC2's throttling allows: fetching and returning addresses exactly as pods come and go would cost two calls per pod,
 * which the account's rate does not allow at cluster scale. A bound to measure the others against, not a policy
 * anyone can run.
 *
 * @param windowMillis  one refill: what the node will run within this must be held already
 * @param horizonMillis how far ahead one fetch looks, and how long an idle address is kept for a coming pod
 */
public record OraclePolicy(String name, long windowMillis, long horizonMillis, CallBudget budget) implements Policy {

    /** @param horizonMillis 0: long enough that about three calls per fetch-and-return cycle fit the account's rate */
    static OraclePolicy of(String name, PolicyContext context, long horizonMillis) {
        long window = context.refillMillis();
        if (horizonMillis == 0) {
            horizonMillis = Math.max(600_000, Math.round(3 * context.nodes().getAsInt() / context.callsPerSecond() * 1000));
        }
        return new OraclePolicy(name, window, Math.max(window, horizonMillis),
                context.budgets().create(context.callsPerSecond() * 0.9, Math.floor(context.callBurst() * 0.9)));
    }

    @Override
    public Optional<WarmPoolConfig> targets(NodeView node) {
        int inUse = node.running();
        int held = inUse + node.free();
        int[] peaks = node.peakDemand(Math.max(windowMillis, horizonMillis / 2), horizonMillis, 2 * horizonMillis);
        int need = peaks[0];
        int keep = peaks[1];
        if (held >= need && held <= peaks[2]) {
            return Optional.empty();
        }
        // MINIMUM_IP_TARGET=1 keeps the planner counting addresses even when nothing is coming (WARM_IP_TARGET=0).
        return Optional.of(WarmPoolConfig.builder().warmEniTarget(0).warmIpTarget(Math.max(0, keep - inUse))
                .minimumIpTarget(1).build());
    }

    /** Wake one refill before the next arrival, so its address is there when it comes. */
    @Override
    public OptionalLong wakeAt(NodeView node) {
        long next = node.nextArrival();
        return next == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(next - windowMillis);
    }

    @Override
    public long reserveCall(long now) {
        return budget.reserve(now);
    }

    @Override
    public List<String> check(RunResult result) {
        List<String> broken = new ArrayList<>(result.commonViolations());
        if (result.running() > 0 && result.heldPerRunningPod() < 1) {
            broken.add("held fewer addresses than running pods: " + result.heldPerRunningPod());
        }
        return broken;
    }
}
