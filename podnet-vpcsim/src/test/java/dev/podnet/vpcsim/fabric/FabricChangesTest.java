package dev.podnet.vpcsim.fabric;

import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_C5_XLARGE;
import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_M5_LARGE;
import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_T3_MEDIUM;
import static dev.podnet.cloud.sim.DefaultWorld.NODE_SUBNET_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.linux.Iptables.Family;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan and the diff: every command the fabric would run, without a kernel. */
class FabricChangesTest {
    private final FabricNames names = new FabricNames("lab");
    private final VpcEmulator emulator = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();

    @Test
    void theFirstPlanMakesEveryInstanceWithItsPrimaryEniAndRoutes() {
        FabricPlan plan = FabricPlan.of(emulator.snapshot());
        FabricChanges changes = FabricChanges.between(names, FabricPlan.EMPTY, plan);
        NetworkInterface primary = primary(INSTANCE_M5_LARGE);
        String dev = FabricNames.routerDevice(primary.id());

        assertThat(changes.addInstances()).containsExactly(INSTANCE_M5_LARGE, INSTANCE_C5_XLARGE, INSTANCE_T3_MEDIUM);
        assertThat(changes.router().argv()).containsExactly("ip", "-n", "lab-vpc", "-batch", "-");
        assertThat(changes.router().lines()).contains(
                "link add " + dev + " mtu 9001 type veth peer name eth0 address " + primary.macAddress()
                        + " mtu 9001 netns lab-" + INSTANCE_M5_LARGE,
                "link set " + dev + " up",
                "addr add 10.0.0.1/32 dev " + dev,
                "addr add fe80::1/64 dev " + dev + " nodad",
                "neigh replace 169.254.0.2 lladdr " + primary.macAddress() + " dev " + dev + " nud permanent",
                "route replace " + primary.primaryIpv4() + "/32 via 169.254.0.2 dev " + dev + " onlink");
        assertThat(changes.instanceBatches().get(INSTANCE_M5_LARGE).lines()).containsExactly(
                "link set eth0 up", "addr add " + primary.primaryIpv4() + "/19 dev eth0",
                "route add default via 10.0.0.1 dev eth0", "route add default via fe80::1 dev eth0");
        assertThat(changes.ipv4Filter().orElseThrow().lines()).contains(
                "-A FORWARD -i " + dev + " -j " + dev,
                "-A INPUT -i " + dev + " -j " + dev,
                "-A " + dev + " -m mac ! --mac-source " + primary.macAddress() + " -j DROP",
                "-A " + dev + " -s " + primary.primaryIpv4() + "/32 -j RETURN",
                "-A " + dev + " -j DROP");
        assertThat(changes.ipv6Filter().orElseThrow().lines()).contains("-A " + dev + " -s fe80::/10 -j RETURN")
                .doesNotContain("-A " + dev + " -s " + primary.primaryIpv4() + "/32 -j RETURN");
        assertThat(FabricChanges.between(names, plan, FabricPlan.of(emulator.snapshot())).isEmpty()).isTrue();
    }

    @Test
    void anAttachedEniIsHotPluggedUpWithoutAnAddressAndItsAddressesAndPrefixesRouted() {
        FabricPlan before = FabricPlan.of(emulator.snapshot());
        NetworkInterface eni = emulator.createNetworkInterface(new CreateEni(NODE_SUBNET_A, List.of(), "", Map.of()));
        emulator.attachNetworkInterface(eni.id(), INSTANCE_M5_LARGE, 2);
        List<String> secondary = emulator.assignPrivateIpAddresses(eni.id(), 2);
        List<String> prefixes = emulator.assignIpv4Prefixes(eni.id(), 1);
        List<String> v6 = emulator.assignIpv6Prefixes(eni.id(), 1);
        FabricChanges changes = FabricChanges.between(names, before, FabricPlan.of(emulator.snapshot()));
        String dev = FabricNames.routerDevice(eni.id());

        assertThat(changes.addInstances()).isEmpty();
        assertThat(changes.router().lines()).containsExactly(
                "link add " + dev + " mtu 9001 type veth peer name eth2 address " + eni.macAddress()
                        + " mtu 9001 netns lab-" + INSTANCE_M5_LARGE,
                "link set " + dev + " up",
                "addr add 10.0.0.1/32 dev " + dev,
                "neigh replace 169.254.0.2 lladdr " + eni.macAddress() + " dev " + dev + " nud permanent",
                "addr add fe80::1/64 dev " + dev + " nodad",
                "neigh replace fe80::2 lladdr " + eni.macAddress() + " dev " + dev + " nud permanent",
                "route replace " + eni.primaryIpv4() + "/32 via 169.254.0.2 dev " + dev + " onlink",
                "route replace " + secondary.get(0) + "/32 via 169.254.0.2 dev " + dev + " onlink",
                "route replace " + secondary.get(1) + "/32 via 169.254.0.2 dev " + dev + " onlink",
                "route replace " + prefixes.getFirst() + " via 169.254.0.2 dev " + dev + " onlink",
                "route replace " + v6.getFirst() + " via fe80::2 dev " + dev);
        assertThat(changes.instanceBatches().keySet()).containsExactly(INSTANCE_M5_LARGE);
        assertThat(changes.instanceBatches().get(INSTANCE_M5_LARGE).lines()).containsExactly("link set eth2 up");
        assertThat(changes.ipv6Filter().orElseThrow().lines()).contains("-A " + dev + " -s " + v6.getFirst() + " -j RETURN");
    }

    @Test
    void aReassignedAddressMovesItsRouteAndADetachedEniTakesItsRoutesWithIt() {
        NetworkInterface eni = emulator.createNetworkInterface(new CreateEni(NODE_SUBNET_A, List.of(), "", Map.of()));
        String attachment = emulator.attachNetworkInterface(eni.id(), INSTANCE_M5_LARGE, 1);
        String address = emulator.assignPrivateIpAddresses(eni.id(), 1).getFirst();
        FabricPlan attached = FabricPlan.of(emulator.snapshot());
        NetworkInterface primary = primary(INSTANCE_M5_LARGE);

        emulator.assignPrivateIpAddresses(primary.id(), List.of(address), true);
        FabricPlan moved = FabricPlan.of(emulator.snapshot());
        FabricChanges move = FabricChanges.between(names, attached, moved);
        assertThat(move.router().lines()).containsExactly(
                "route replace " + address + "/32 via 169.254.0.2 dev " + FabricNames.routerDevice(primary.id())
                        + " onlink");
        assertThat(move.instanceBatches()).isEmpty();
        assertThat(move.ipv4Filter()).isPresent();
        assertThat(move.ipv6Filter()).isEmpty();

        emulator.unassignPrivateIpAddresses(primary.id(), List.of(address));
        emulator.detachNetworkInterface(attachment, false);
        FabricChanges gone = FabricChanges.between(names, moved, FabricPlan.of(emulator.snapshot()));
        assertThat(gone.router().lines()).containsExactly(
                "link del " + FabricNames.routerDevice(eni.id()),
                "route del " + address + "/32 dev " + FabricNames.routerDevice(primary.id()));
    }

    @Test
    void namesAreBoundedAndLeftoversRecognisedOnlyByTheirOwnName() {
        assertThat(FabricNames.routerDevice("eni-0123456789abcdef0")).isEqualTo("eni56789abcdef0").hasSize(15);
        assertThat(names.owns("lab-vpc")).isTrue();
        assertThat(names.owns("lab-out")).isTrue();
        assertThat(names.owns("lab-i-0000000000000000a")).isTrue();
        assertThat(names.owns("lab-2-vpc")).isFalse();
        assertThat(names.owns("lab-2-out")).isFalse();
        assertThat(names.owns("lab-2-i-0000000000000000a")).isFalse();
        assertThatThrownBy(() -> new FabricNames("Lab;rm")).isInstanceOf(IllegalArgumentException.class);
        assertThat(FabricFilter.rules(FabricPlan.EMPTY, Family.IPV4).lines()).containsExactly(
                "*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", "COMMIT");
    }

    private NetworkInterface primary(String instanceId) {
        return emulator.describeNetworkInterfaces(EniFilter.attachedTo(instanceId)).stream()
                .filter(e -> e.attachment().orElseThrow().deviceIndex() == 0).findFirst().orElseThrow();
    }
}
