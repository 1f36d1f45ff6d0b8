package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.InstanceSpec;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.WorldSpec;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.Pool;
import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.sim.CallBudget;
import dev.podnet.sim.PolicyContext;
import dev.podnet.store.EmbeddedStore;
import dev.podnet.warm.NodeContext;
import dev.podnet.warm.NodeInterfaces;
import dev.podnet.warm.StepOutcome;
import dev.podnet.warm.WarmPool;
import dev.podnet.warm.WarmTargets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's policies on real warm pools against the EC2 emulator, in virtual time: the emulator, the engines,
 * the store and every policy's waits share one {@link VirtualClock}, and the nodes take their passes in turn on the
 * test's thread, so a wait for the call budget moves time for all of them, as it would pass for all nodes at once.
 */
class WarmPolicyEmulatorTest {
    private static final String POOL = "vpc";
    /** EC2's throttle for mutating calls, small: 10 calls, refilled at 2/s; Describe* is not limited here. */
    private static final ThrottleConfig SMALL_ACCOUNT = new ThrottleConfig(new ThrottleConfig.Bucket(10, 2),
            ThrottleConfig.Bucket.UNLIMITED);

    @TempDir
    Path dir;

    final VirtualClock clock = new VirtualClock();
    final List<Ipam> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(Ipam::close);
    }

    @Test
    void adaptiveServesATrickleOfPodsHoldingFewerAddressesThanTheVpcCniDefaults() {
        WarmPoolConfig vpcCni = WarmPoolConfig.defaults();
        // The same m5.large twice, in a world each.
        WarmPool fixed = pool(emulator(DefaultWorld.spec(), ThrottleConfig.UNLIMITED), DefaultWorld.INSTANCE_M5_LARGE,
                vpcCni, WarmTargets.fixed(vpcCni));
        WarmPool adaptive = pool(emulator(DefaultWorld.spec(), ThrottleConfig.UNLIMITED),
                DefaultWorld.INSTANCE_M5_LARGE, vpcCni, policy("adaptive:floor=2", CallBudget::tokenBucket));
        for (int pod = 0; pod < 20; pod++) {
            add(fixed, pod);
            add(adaptive, pod);
            clock.advance(Duration.ofSeconds(30));
        }
        clock.advance(Duration.ofMinutes(10));
        settle(fixed);
        settle(adaptive);

        assertThat(fixed.stats().inUse()).isEqualTo(20);
        assertThat(adaptive.stats().inUse()).isEqualTo(20);
        assertThat(adaptive.stats().held()).as("addresses held by the adaptive pool")
                .isLessThan(fixed.stats().held()).isLessThanOrEqualTo(20 + 2 + 3);
    }

    @Test
    void twentyNodesStartingTogetherStayUnderEc2sThrottleWhenTheyShareTheStoresBudget() {
        try (EmbeddedStore store = EmbeddedStore.open(dir.resolve("store"), clock)) {
            VpcEmulator cloud = joinStorm(StoreCallBudget.in(store));
            assertThat(cloud.calls().throttled()).as("throttled calls: %s", cloud.calls()).isZero();
        }
    }

    @Test
    void twentyNodesStartingTogetherAreThrottledWithABudgetEachOfTheirOwn() {
        VpcEmulator cloud = joinStorm(CallBudget::tokenBucket);
        assertThat(cloud.calls().throttled()).isPositive();
    }

    /** 20 m5.large nodes start at once under podnet-adaptive and each serves 3 pods; returns the emulator. */
    private VpcEmulator joinStorm(PolicyContext.Budgets budgets) {
        List<String> ids = IntStream.range(0, 20).mapToObj(i -> String.format("i-%017x", 0x100 + i)).toList();
        WorldSpec base = DefaultWorld.spec();
        WorldSpec world = new WorldSpec(base.region(), base.vpcs(), base.subnets(), base.securityGroups(),
                ids.stream().map(id -> new InstanceSpec(id, "m5.large", DefaultWorld.NODE_SUBNET_A,
                        List.of(DefaultWorld.SECURITY_GROUP_DEFAULT))).toList());
        VpcEmulator cloud = emulator(world, SMALL_ACCOUNT);
        // The account's bucket as the agents are told it; each policy spends 0.8 of it: 1.6/s, 8 at once.
        WarmPolicySetting setting = new WarmPolicySetting("podnet-adaptive", 2, 10);
        List<WarmPool> pools = ids.stream().map(id -> pool(cloud, id, WarmPoolConfig.defaults(),
                new PolicyTargets(setting.create(budgets, () -> ids.size()), clock, clock))).toList();
        settleTogether(pools);
        for (int pod = 0; pod < 3; pod++) {
            for (WarmPool p : pools) {
                p.allocate(key(pod), List.of());
            }
            settleTogether(pools);
        }
        pools.forEach(p -> assertThat(p.stats().inUse()).isEqualTo(3));
        return cloud;
    }

    private WarmTargets policy(String spec, PolicyContext.Budgets budgets) {
        return new PolicyTargets(WarmPolicySetting.of(java.util.Map.of(WarmPolicySetting.POLICY, spec)).orElseThrow()
                .create(budgets, () -> 1), clock, clock);
    }

    private VpcEmulator emulator(WorldSpec world, ThrottleConfig throttle) {
        return VpcEmulator.builder(world).clock(clock).sleeper(clock).throttle(throttle).build();
    }

    private WarmPool pool(VpcEmulator cloud, String instanceId, WarmPoolConfig config, WarmTargets targets) {
        Path state = dir.resolve(instanceId + "-" + engines.size());
        Ipam ipam = Ipam.open(state.resolve("ipam"), List.of(Pool.of(POOL, IpRange.of("10.0.0.0/19"))), clock,
                IpamOptions.defaults());
        engines.add(ipam);
        String type = cloud.describeInstance(instanceId).instanceType();
        NodeLimits limits = NodeLimits.of(InstanceCatalogue.bundled().get(type), config, 29);
        WarmPool pool = new WarmPool(cloud, ipam, POOL, new NodeContext(instanceId, "test", Optional.empty()), config,
                limits, state, new Random(7), NodeInterfaces.NONE, targets);
        pool.recover();
        return pool;
    }

    /** An ADD as the kubelet makes it: tried again after the pool's loop has run while the pool is empty. */
    private void add(WarmPool pool, int pod) {
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                pool.allocate(key(pod), List.of());
                settle(pool);
                return;
            } catch (IpamException e) {
                if (e.reason() != IpamException.Reason.EXHAUSTED) {
                    throw e;
                }
                settle(pool);
            }
        }
        throw new AssertionError("pod " + pod + " got no address: " + pool.stats());
    }

    private static AttachmentKey key(int pod) {
        return AttachmentKey.of(String.format("pod%04d", pod), "eth0");
    }

    /** Passes until steady; fails the test on a failed pass or if it never settles. */
    private static void settle(WarmPool pool) {
        for (int i = 0; i < 100; i++) {
            StepOutcome o = pool.step();
            if (o.isSteady()) {
                return;
            }
            assertThat(o.failure()).as("pass %d: %s", i, o.reason()).isEmpty();
        }
        throw new AssertionError("the warm pool did not settle: " + pool.stats());
    }

    /**
     * Every node's loop, a pass each in turn, until all are steady: a throttled pass is retried after the loop's
     * backoff (half a second of virtual time per round with a failure), as {@code WarmPoolLoop} would.
     */
    private void settleTogether(List<WarmPool> pools) {
        List<WarmPool> busy = new ArrayList<>(pools);
        for (int round = 0; round < 500 && !busy.isEmpty(); round++) {
            boolean failed = false;
            for (WarmPool p : List.copyOf(busy)) {
                StepOutcome o = p.step();
                if (o.isSteady()) {
                    busy.remove(p);
                }
                failed |= o.failure().isPresent();
            }
            if (failed) {
                clock.advance(Duration.ofMillis(500));
            }
        }
        assertThat(busy).as("pools still busy").isEmpty();
    }
}
