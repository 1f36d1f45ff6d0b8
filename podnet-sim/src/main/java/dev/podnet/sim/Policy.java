package dev.podnet.sim;

import dev.podnet.ipam.warm.WarmPoolConfig;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A warm-pool strategy. It sets each node's targets for the real {@link dev.podnet.ipam.warm.WarmPoolPlanner}, which
 * then decides the EC2 call; it may pace the cluster's calls; and at the end of a run it checks its own invariants.
 * One instance serves one run, so it may keep state per node and for the cluster. Created by name in {@link Policies}.
 */
public sealed interface Policy permits VpcCniPolicy, OraclePolicy, AdaptivePolicy {

    /** The name the run is reported under, with any settings: "vpc-cni", "vpc-cni:WARM_IP_TARGET=1". */
    String name();

    /** The node's targets now; empty: leave the node as it is for now. */
    Optional<WarmPoolConfig> targets(NodeView node);

    /** A pod arrived at the node (before it is given an address). */
    default void onArrival(NodeView node) {
    }

    /** A time (ms) to plan the steady node again though nothing happens on it, if the policy needs one. */
    default OptionalLong wakeAt(NodeView node) {
        return OptionalLong.empty();
    }

    /** The earliest time (ms) the next EC2 call of any node may go, reserving it; {@code now} = at once. */
    default long reserveCall(long now) {
        return now;
    }

    /** The run's invariants this policy promises, broken ones as sentences; empty when all hold. */
    List<String> check(RunResult result);
}
