package dev.podnet.agent;

import dev.podnet.cloud.sim.Sleeper;
import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.sim.NodeView;
import dev.podnet.sim.Policy;
import dev.podnet.warm.PoolView;
import dev.podnet.warm.WarmTargets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Runs one of the simulator's warm-pool {@link Policy policies} on this node's warm pool: the pool's counts are the
 * policy's {@link NodeView} (the node is its only one, index 0; the future, which only the oracle reads, is not
 * known here), and before each EC2 call that changes the node the pool waits until the policy's call budget lets it
 * go. The wait is bounded by {@link #MAX_WAIT}: a budget gone wrong (a clock far off, a store value from another
 * cluster) must not stop the node's pool, so past that the call goes anyway.
 *
 * <p>A policy is not thread-safe and the ADD path tells it of arrivals while the loop asks for targets, so every call
 * into it holds this object's lock; the wait itself does not.
 */
final class PolicyTargets implements WarmTargets {
    private static final System.Logger LOG = System.getLogger(PolicyTargets.class.getName());
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final Policy policy;
    private final InstantSource clock;
    private final Sleeper sleeper;

    PolicyTargets(Policy policy, InstantSource clock, Sleeper sleeper) {
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public synchronized Optional<WarmPoolConfig> targets(PoolView view) {
        return policy.targets(node(view));
    }

    @Override
    public synchronized void arrived(PoolView view) {
        policy.onArrival(node(view));
    }

    @Override
    public void beforeCall() {
        long now = clock.millis();
        long at;
        synchronized (this) {
            at = policy.reserveCall(now);
        }
        long wait = at - now;
        if (wait > MAX_WAIT.toMillis()) {
            LOG.log(System.Logger.Level.WARNING, "the EC2 call budget of {0} asks for a wait of {1} s; the call goes "
                    + "after {2} s", policy.name(), wait / 1000, MAX_WAIT.toSeconds());
            wait = MAX_WAIT.toMillis();
        }
        if (wait > 0) {
            sleeper.sleep(Duration.ofMillis(wait));
        }
    }

    /** Wall-clock time, as the shared budget keeps it, so the policy compares its times with the budget's. */
    private NodeView node(PoolView view) {
        return new Node(clock.millis(), view);
    }

    /** The pool as the policy sees a simulated node. */
    private record Node(long now, PoolView pool) implements NodeView {
        @Override
        public int index() {
            return 0;
        }

        @Override
        public int running() {
            return pool.inUse();
        }

        @Override
        public int pending() {
            return pool.pending();
        }

        @Override
        public int free() {
            return pool.free();
        }

        @Override
        public NodeLimits limits() {
            return pool.limits();
        }

        @Override
        public int[] peakDemand(long... windowsMillis) {
            throw new UnsupportedOperationException("a node does not know its future arrivals");
        }

        @Override
        public long nextArrival() {
            throw new UnsupportedOperationException("a node does not know its future arrivals");
        }
    }

    @Override
    public String toString() {
        return "warm-pool policy " + policy.name();
    }
}
