package dev.podnet.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AttachmentKey;
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
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pods get the addresses of an ENI only once the node has set it up, and learn its route table. */
class NodeInterfacesTest {
    @TempDir
    Path dir;

    @Test
    void anEnisAddressesReachPodsOnlyOnceTheNodeReportsItReadyWithTableDeviceIndexPlusOne() {
        VirtualClock clock = new VirtualClock();
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock).build();
        WarmPoolConfig config = WarmPoolConfig.builder().customNetworking(true).warmIpTarget(2).build();
        EniConfig eniConfig = new EniConfig("us-east-1a", DefaultWorld.POD_SUBNET_A, List.of());
        AtomicBoolean linkUp = new AtomicBoolean(false);
        List<NodeSupply> seen = new ArrayList<>();
        NodeInterfaces node = supply -> {
            seen.add(supply);
            return supply.enis().stream().filter(e -> e.primary() || linkUp.get()).map(NodeSupply.Eni::id)
                    .collect(Collectors.toSet());
        };
        try (Ipam ipam = Ipam.open(dir.resolve("ipam"), List.of(Pool.of("vpc", IpRange.of("100.64.0.0/18"))), clock,
                IpamOptions.defaults())) {
            WarmPool pool = new WarmPool(cloud, ipam, "vpc", new NodeContext(DefaultWorld.INSTANCE_M5_LARGE, "t",
                    Optional.of(new EniConfigSource.Fixed(eniConfig))), config,
                    NodeLimits.of(InstanceCatalogue.bundled().get("m5.large"), config, 29),
                    dir, new Random(7), node);
            pool.recover();
            for (int i = 0; i < 5; i++) {
                pool.step();
            }
            NodeSupply.Eni second = pool.supply().enis().stream().filter(e -> e.deviceIndex() == 1).findFirst().orElseThrow();
            assertThat(second.mac()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
            assertThat(second.routeTable()).hasValue(2);
            assertThat(pool.supply().primary().orElseThrow().routeTable()).isEmpty();
            assertThat(pool.stats().free()).as("the ENI is attached but its link is not set up").isZero();
            assertThatThrownBy(() -> pool.allocate(AttachmentKey.of("c1", "eth0"), List.of()))
                    .isInstanceOf(IpamException.class);

            linkUp.set(true);
            pool.step();
            Allocation a = pool.allocate(AttachmentKey.of("c1", "eth0"), List.of());
            assertThat(pool.routeTable(a.addresses().getFirst().address())).isEqualTo(OptionalInt.of(2));
            assertThat(seen).isNotEmpty();
        }
    }
}
