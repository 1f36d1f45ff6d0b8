package dev.podnet.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.warm.NodeFootprint;
import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.ipam.warm.NodePoolSimulation;
import dev.podnet.ipam.warm.PoolAction;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.Cidr;
import dev.podnet.net.InstanceCatalogue;
import inet.ipaddr.IPAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class WarmPoolTest {
    @TempDir
    Path dir;

    static Stream<Arguments> settings() {
        return Stream.of(
                Arguments.of("WARM_ENI_TARGET=1", WarmPoolConfig.defaults()),
                Arguments.of("WARM_ENI_TARGET=0 WARM_IP_TARGET=3", WarmPoolConfig.builder().warmEniTarget(0).warmIpTarget(3).build()),
                Arguments.of("WARM_IP_TARGET=5 MINIMUM_IP_TARGET=10", WarmPoolConfig.builder().warmIpTarget(5).minimumIpTarget(10).build()),
                Arguments.of("prefix WARM_PREFIX_TARGET=1", WarmPoolConfig.builder().prefixMode(true).build()),
                Arguments.of("prefix WARM_IP_TARGET=5", WarmPoolConfig.builder().prefixMode(true).warmIpTarget(5).build()));
    }

    /** The emulated node ends where subnet-calc's simulation of the same settings ends, pod count by pod count. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void scalingUpHoldsWhatTheSubnetCalculatorPredicts(String name, WarmPoolConfig config) {
        try (Node node = Node.m5large(dir, config)) {
            node.settle();
            for (int pods : new int[] {0, 5, 12, 20, 27}) {
                while (node.ipam.allocations().size() < pods) {
                    node.add(node.ipam.allocations().size());
                    node.settle();
                }
                NodeFootprint expected = NodePoolSimulation.scaleUp(config, limits(config), pods);
                var stats = node.pool.stats();
                assertThat(stats.inUse()).as("pods %d", pods).isEqualTo(pods);
                assertThat(stats.enis()).as("ENIs at %d pods", pods).isEqualTo(expected.enis().size());
                assertThat(stats.held()).as("pod addresses held at %d pods", pods)
                        .isEqualTo(expected.stats().total());
                assertThat(stats.held()).as("never more than max pods plus the warm target")
                        .isLessThanOrEqualTo(29 + warmAddresses(config));
            }
        }
    }

    private static int warmAddresses(WarmPoolConfig config) {
        if (config.ipTargetsDefined()) {
            return Math.max(config.warmIpTarget(), config.minimumIpTarget()) + (config.prefixMode() ? 15 : 0);
        }
        return config.prefixMode() ? 16 * config.warmPrefixTarget() + 15 : 9 * config.warmEniTarget();
    }

    private static NodeLimits limits(WarmPoolConfig config) {
        return NodeLimits.of(InstanceCatalogue.bundled().get("m5.large"), config, 29);
    }

    @Test
    void podsLeavingShrinkThePoolOnlyAfterTheirCooldown() {
        WarmPoolConfig config = WarmPoolConfig.builder().warmIpTarget(2).build();
        try (Node node = Node.m5large(dir, config)) {
            node.settle();
            List<Allocation> pods = IntStream.range(0, 10).mapToObj(i -> {
                Allocation a = node.add(i);
                node.settle();
                return a;
            }).toList();
            int heldBusy = node.pool.stats().held();
            pods.forEach(a -> node.pool.release(a.key()));
            node.settle();
            assertThat(node.pool.stats().held()).as("cooling addresses stay assigned").isEqualTo(heldBusy);
            for (Allocation a : pods) {
                assertThat(assignedInEc2(node)).contains(a.addresses().getFirst().address().toString());
            }
            node.advance(Duration.ofSeconds(31));
            node.settle();
            assertThat(node.pool.stats().held()).isEqualTo(2);
        }
    }

    @Test
    void anAddressInUseIsNeverGivenBackEvenWhenThePlannerWantsFewer() {
        WarmPoolConfig config = WarmPoolConfig.builder().warmIpTarget(1).build();
        try (Node node = Node.m5large(dir, config)) {
            node.settle();
            Set<String> held = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                held.add(node.add(i).addresses().getFirst().address().toString());
                node.settle();
            }
            node.advance(Duration.ofMinutes(5));
            node.settle();
            assertThat(assignedInEc2(node)).containsAll(held);
        }
    }

    @Test
    void customNetworkingPutsPodAddressesOnlyInTheEniConfigSubnetAndNoneOnThePrimaryEni() {
        WarmPoolConfig config = WarmPoolConfig.builder().customNetworking(true).build();
        EniConfig eniConfig = new EniConfig("us-east-1a", DefaultWorld.POD_SUBNET_A, List.of(DefaultWorld.SECURITY_GROUP_PODS));
        try (Node node = new Node(dir, DefaultWorld.INSTANCE_M5_LARGE, "m5.large", config, 20,
                Optional.of(new EniConfigSource.Fixed(eniConfig)), List.of("100.64.0.0/18"), ThrottleConfig.UNLIMITED)) {
            node.settle();
            Cidr podSubnet = Cidr.parse("100.64.0.0/18");
            for (int i = 0; i < 15; i++) {
                IPAddress a = node.add(i).addresses().getFirst().address();
                assertThat(podSubnet.network().contains(a)).as(a.toString()).isTrue();
                node.settle();
            }
            for (NetworkInterface eni : node.cloud.describeNetworkInterfaces(EniFilter.attachedTo(node.instanceId))) {
                boolean primary = eni.attachment().orElseThrow().deviceIndex() == 0;
                if (primary) {
                    assertThat(eni.secondaryIpv4()).isEmpty();
                } else {
                    assertThat(eni.subnetId()).isEqualTo(DefaultWorld.POD_SUBNET_A);
                    assertThat(eni.securityGroups()).containsExactly(DefaultWorld.SECURITY_GROUP_PODS);
                    assertThat(eni.tags()).containsEntry(NodeContext.TAG_NODE, node.instanceId);
                }
            }
        }
    }

    @Test
    void aThrottlingStormNeverFailsAPodTheWarmPoolCanServe() {
        ThrottleConfig tight = new ThrottleConfig(new ThrottleConfig.Bucket(3, 0.2), new ThrottleConfig.Bucket(5, 0.5));
        try (Node node = new Node(dir, DefaultWorld.INSTANCE_M5_LARGE, "m5.large", WarmPoolConfig.defaults(), 29,
                Optional.empty(), List.of("10.0.0.0/19"), ThrottleConfig.UNLIMITED)) {
            node.settle();
            int warm = node.pool.stats().free();
            node.cloud.faults().injectRate("DescribeNetworkInterfaces", Ec2Error.REQUEST_LIMIT_EXCEEDED, 1.0);
            node.cloud.faults().injectRate("AssignPrivateIpAddresses", Ec2Error.REQUEST_LIMIT_EXCEEDED, 1.0);
            int throttled = 0;
            for (int i = 0; i < warm; i++) {
                node.add(i);
                StepOutcome o = node.pool.step();
                if (o.failure().isPresent()) {
                    throttled++;
                    assertThat(o.retryable()).isTrue();
                }
            }
            assertThat(throttled).isEqualTo(warm);
            assertThatThrownBy(() -> node.add(1000)).isInstanceOfSatisfying(IpamException.class, e -> {
                assertThat(e.reason()).isEqualTo(IpamException.Reason.EXHAUSTED);
                assertThat(e.getMessage()).contains("throttling").contains("RequestLimitExceeded");
            });
            node.cloud.faults().clear();
            node.settle();
            assertThat(node.add(1000).addresses()).hasSize(1);
            assertThat(tight.mutating().capacity()).isEqualTo(3);
        }
    }

    @Test
    void eniLimitStopsGrowthWithAClearReasonAndNeverExceedsTheInstance() {
        WarmPoolConfig config = WarmPoolConfig.builder().warmEniTarget(5).build();
        try (Node node = Node.m5large(dir, config)) {
            List<StepOutcome> outcomes = node.settle();
            assertThat(node.pool.stats().enis()).isEqualTo(3);
            assertThat(node.pool.stats().held()).isEqualTo(27);
            assertThat(outcomes.getLast().reason()).contains("every ENI is full");
        }
    }

    @Test
    void addressesEc2TookAwayAreNeverHandedOut() {
        try (Node node = Node.m5large(dir, WarmPoolConfig.defaults())) {
            node.settle();
            NetworkInterface eni = node.cloud.describeNetworkInterfaces(EniFilter.attachedTo(node.instanceId)).getFirst();
            List<String> gone = eni.secondaryIpv4().subList(0, 3);
            node.cloud.unassignPrivateIpAddresses(eni.id(), gone);
            node.pool.step();
            Set<String> given = new HashSet<>();
            for (int i = 0; i < 15; i++) {
                given.add(node.add(i).addresses().getFirst().address().toString());
                node.settle();
            }
            assertThat(given).doesNotContainAnyElementsOf(gone);
        }
    }

    @Test
    void aDetachableEniIsDetachedAndDeleted() {
        try (Node node = Node.m5large(dir, WarmPoolConfig.defaults())) {
            node.settle();
            List<Allocation> pods = IntStream.range(0, 12).mapToObj(i -> {
                Allocation a = node.add(i);
                node.settle();
                return a;
            }).toList();
            assertThat(node.pool.stats().enis()).isEqualTo(3);
            pods.forEach(a -> node.pool.release(a.key()));
            assertThat(node.settle()).noneMatch(o -> o.action().isPresent());
            node.advance(Duration.ofSeconds(31));
            List<StepOutcome> outcomes = node.settle();
            assertThat(outcomes).anyMatch(o -> o.action().filter(PoolAction.DetachEni.class::isInstance).isPresent());
            assertThat(node.pool.stats().enis())
                    .isEqualTo(NodePoolSimulation.scaleUp(WarmPoolConfig.defaults(), limits(WarmPoolConfig.defaults()), 0)
                            .enis().size());
            assertThat(node.cloud.describeNetworkInterfaces(EniFilter.tagged(Map.of(NodeContext.TAG_NODE,
                    node.instanceId)))).as("podnet's ENIs are deleted, not left detached").isEmpty();
        }
    }

    static Set<String> assignedInEc2(Node node) {
        Set<String> all = new HashSet<>();
        node.cloud.describeNetworkInterfaces(EniFilter.attachedTo(node.instanceId)).forEach(e -> {
            all.addAll(e.secondaryIpv4());
            e.ipv4Prefixes().forEach(p -> NodeSupply.expand(p).forEach(a -> all.add(a.toString())));
        });
        return all;
    }

    /**
     * A node slot's ENI (the agent's underlay slot) holds prefixes the slot's IPPools serve: the warm pool hands none
     * of them out, never detaches the ENI however idle, and attaches its own ENIs at another device index.
     */
    @Test
    void aNodeSlotsEniIsLeftAloneAndItsDeviceIndexIsSkipped() {
        try (Node node = Node.m5large(dir, WarmPoolConfig.builder().warmEniTarget(0).warmIpTarget(3).build())) {
            String slotEni = node.cloud.createNetworkInterface(new dev.podnet.cloud.CreateEni(
                    DefaultWorld.POD_SUBNET_A, List.of(), "slot", Map.of(NodeSupply.NODE_SLOT_TAG, "s-0"))).id();
            node.cloud.attachNetworkInterface(slotEni, node.instanceId, 1);
            node.cloud.assignIpv4Prefixes(slotEni, List.of("100.64.0.16/28"));
            node.settle();
            for (int pod = 0; pod < 12; pod++) {
                Allocation a = node.add(pod);
                assertThat(a.addresses().getFirst().cidrText()).as("pod %d", pod).startsWith("10.0.");
                node.settle();
            }
            NetworkInterface slot = node.cloud.describeNetworkInterfaces(EniFilter.ids(slotEni)).getFirst();
            assertThat(slot.attachment()).map(a -> a.deviceIndex()).contains(1);
            assertThat(slot.ipv4Prefixes()).containsExactly("100.64.0.16/28");
            assertThat(node.cloud.describeNetworkInterfaces(EniFilter.attachedTo(node.instanceId)))
                    .as("the warm pool grew onto a second ENI of its own")
                    .anySatisfy(e -> assertThat(e.attachment().orElseThrow().deviceIndex()).isEqualTo(2));
        }
    }
}
