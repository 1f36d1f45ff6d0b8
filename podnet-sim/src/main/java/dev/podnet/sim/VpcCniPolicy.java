package dev.podnet.sim;

import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.warm.VpcCniEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS VPC CNI: fixed targets from its environment variables (WARM_ENI_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET,
 * WARM_PREFIX_TARGET, ENABLE_PREFIX_DELEGATION, MAX_ENI), with its defaults for those unset, read by the same
 * {@link VpcCniEnvironment} the agent reads them with.
 */
public record VpcCniPolicy(String name, WarmPoolConfig config) implements Policy {

    static VpcCniPolicy of(String name, Map<String, String> settings) {
        return new VpcCniPolicy(name, VpcCniEnvironment.warmPool(settings));
    }

    @Override
    public Optional<WarmPoolConfig> targets(NodeView node) {
        return Optional.of(config);
    }

    /** Its promise: a node with WARM_ENI_TARGET alone never cold-starts a pod when EC2 keeps up (not checked: throttling). */
    @Override
    public List<String> check(RunResult result) {
        List<String> broken = new ArrayList<>(result.commonViolations());
        if (result.running() > 0 && result.heldPerRunningPod() < 1) {
            broken.add("held fewer addresses than running pods: " + result.heldPerRunningPod());
        }
        return broken;
    }
}
