package dev.podnet.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.sim.CallLog;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.Pool;
import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InstanceCatalogue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool steered through {@link WarmTargets}: targets per pass, arrivals, and a pause before each changing call. */
class WarmTargetsTest {
    @TempDir
    Path dir;

    /** A policy that keeps {@code warm} addresses free, as told, and records what it sees. */
    static final class Recording implements WarmTargets {
        volatile int warm;
        final List<PoolView> arrivals = new ArrayList<>();
        volatile PoolView seen;
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Optional<WarmPoolConfig> targets(PoolView view) {
            seen = view;
            return warm < 0 ? Optional.empty()
                    : Optional.of(WarmPoolConfig.builder().warmEniTarget(0).warmIpTarget(warm).build());
        }

        @Override
        public void arrived(PoolView view) {
            arrivals.add(view);
        }

        @Override
        public void beforeCall() {
            calls.incrementAndGet();
        }
    }

    @Test
    void thePolicySetsTheTargetsAtEachPassAndEveryChangingCallWaitsForIt() {
        VirtualClock clock = new VirtualClock();
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock)
                .throttle(ThrottleConfig.UNLIMITED).build();
        WarmPoolConfig env = WarmPoolConfig.defaults();
        Recording policy = new Recording();
        policy.warm = -1;
        try (Ipam ipam = Ipam.open(dir.resolve("ipam"), List.of(Pool.of("vpc", IpRange.of("10.0.0.0/19"))), clock,
                IpamOptions.defaults())) {
            WarmPool pool = new WarmPool(cloud, ipam, "vpc", new NodeContext(DefaultWorld.INSTANCE_M5_LARGE, "test",
                    Optional.empty()), env, NodeLimits.of(InstanceCatalogue.bundled().get("m5.large"), env, 29), dir,
                    new Random(7), NodeInterfaces.NONE, policy);
            pool.recover();
            assertThat(pool.step().isSteady()).as("an empty answer leaves the node as it is").isTrue();
            assertThat(pool.stats().held()).isZero();

            assertThatThrownBy(() -> pool.allocate(Node.key(0), List.of())).isInstanceOf(IpamException.class);
            assertThatThrownBy(() -> pool.allocate(Node.key(0), List.of())).isInstanceOf(IpamException.class);
            assertThat(policy.arrivals).as("a retried ADD arrives once").hasSize(1);

            policy.warm = 3;
            pool.step();
            assertThat(policy.seen.pending()).as("the pod waiting").isEqualTo(1);
            while (!pool.step().isSteady()) {
                assertThat(policy.calls.get()).as("passes").isLessThan(20);
            }
            assertThat(pool.stats().held()).as("the policy's WARM_IP_TARGET=3, not the environment's whole ENI")
                    .isEqualTo(3);
            pool.allocate(Node.key(0), List.of());
            pool.allocate(Node.key(1), List.of());
            assertThat(policy.arrivals).extracting(PoolView::inUse).containsExactly(0, 1);
            pool.step();
            assertThat(policy.seen.pending()).as("served").isZero();
            assertThat(policy.seen.inUse()).isEqualTo(2);
            long changing = cloud.calls().count("AssignPrivateIpAddresses", CallLog.OK)
                    + cloud.calls().count("CreateNetworkInterface") + cloud.calls().count("AttachNetworkInterface");
            assertThat(policy.calls.get()).isEqualTo((int) changing).isPositive();
        }
    }
}
