package dev.podnet.warm;

import dev.podnet.ipam.warm.WarmPoolConfig;
import java.util.Optional;

/**
 * Where a {@link WarmPool} takes its targets from at each pass, and how its EC2 calls are paced: the seam through
 * which a warm-pool policy (the simulator's, run on a node) steers the real pool. Without a policy the targets are
 * the VPC CNI's fixed ones from the environment ({@link #fixed}) and nothing is paced.
 *
 * <p>A policy sets only the warm and minimum targets; prefix mode, MAX_ENI and custom networking stay the
 * environment's ({@link #within}), since they describe the node rather than how much it keeps warm.
 */
public interface WarmTargets {

    /** The targets for this pass; empty: leave the node as it is for now. */
    Optional<WarmPoolConfig> targets(PoolView view);

    /** A pod asked for an address (a new ADD, before it is served). */
    default void arrived(PoolView view) {
    }

    /** Blocks until an EC2 call that changes the node may go (the cluster's call budget); bounded by the implementation. */
    default void beforeCall() {
    }

    /** The same targets at every pass: today's VPC CNI behaviour. */
    static WarmTargets fixed(WarmPoolConfig config) {
        Optional<WarmPoolConfig> always = Optional.of(config);
        return view -> always;
    }

    /** {@code wanted}'s warm and minimum targets on {@code node}'s prefix mode, MAX_ENI and custom networking. */
    static WarmPoolConfig within(WarmPoolConfig node, WarmPoolConfig wanted) {
        return new WarmPoolConfig(node.prefixMode(), wanted.warmEniTarget(), wanted.warmIpTarget(),
                wanted.minimumIpTarget(), wanted.warmPrefixTarget(), node.maxEni(), node.customNetworking());
    }
}
