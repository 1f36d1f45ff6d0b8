package dev.podnet.sim;

import dev.podnet.ipam.warm.WarmPoolConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Knows every node's arrivals ahead. It must hold free the addresses the pods arriving within one EC2 refill (create,
 * attach, assign and the attach delay) will need; when it is short, it fetches in one call what the pods arriving
 * within {@code horizonMillis} will need, and it gives back only what none of those will use. Seeing the future both
 * ways keeps its addresses near the least any policy can hold and its EC2 calls few: fetching and returning one
 * address per pod, the exact minimum, costs two calls per pod, which EC2's throttling does not allow at cluster
 * scale. A bound to measure the others against, not a policy anyone can run.
 *
 * @param windowMillis  one refill: arrivals closer than this must find their address already there
 * @param horizonMillis how far ahead one fetch looks, and how long an idle address is kept for a coming pod
 */
public record OraclePolicy(String name, long windowMillis, long horizonMillis) implements Policy {

    /** @param horizonMillis 0: long enough that about three calls per fetch-and-return cycle fit the account's rate */
    static OraclePolicy of(String name, PolicyContext context, long horizonMillis) {
        long window = context.refillMillis();
        if (horizonMillis == 0) {
            horizonMillis = Math.max(600_000, Math.round(3 * context.nodes().getAsInt() / context.callsPerSecond() * 1000));
        }
        return new OraclePolicy(name, window, Math.max(window, horizonMillis));
    }

    @Override
    public Optional<WarmPoolConfig> targets(NodeView node) {
        int need = node.upcoming(windowMillis) + node.pending();
        int keep = Math.max(need, node.upcoming(horizonMillis) + node.pending());
        if (node.free() >= need && node.free() <= keep) {
            return Optional.empty();
        }
        // MINIMUM_IP_TARGET=1 keeps the planner counting addresses even when nothing is coming (WARM_IP_TARGET=0).
        return Optional.of(WarmPoolConfig.builder().warmEniTarget(0).warmIpTarget(keep).minimumIpTarget(1).build());
    }

    /** Wake one refill before the next arrival, so its address is there when it comes. */
    @Override
    public OptionalLong wakeAt(NodeView node) {
        long next = node.nextArrival();
        return next == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(next - windowMillis);
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
