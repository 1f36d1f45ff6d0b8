package dev.podnet.sim;

import dev.podnet.ipam.warm.WarmPoolConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Knows every node's arrivals ahead: keeps free exactly the addresses the pods arriving within one EC2 refill (create,
 * attach, assign and the attach delay) will need, and gives back the rest at once. No policy that cannot see the
 * future holds fewer addresses per pod with as few cold starts: a lower bound to measure the others against.
 */
public record OraclePolicy(String name, long windowMillis) implements Policy {

    static OraclePolicy of(Scenario scenario) {
        return new OraclePolicy("oracle", scenario.ec2().attachRefill().toMillis());
    }

    @Override
    public Optional<WarmPoolConfig> targets(NodeView node) {
        int needed = node.upcoming(windowMillis) + node.pending();
        // MINIMUM_IP_TARGET=1 keeps the planner counting addresses even when nothing is coming (WARM_IP_TARGET=0).
        return Optional.of(WarmPoolConfig.builder().warmEniTarget(0).warmIpTarget(needed).minimumIpTarget(1).build());
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
