package dev.podnet.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.linux.Iproute;
import dev.podnet.linux.NetNamespace;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The commands VxlanNetwork sends, against a fake kernel. */
class VxlanNetworkTest {
    private static final VxlanNetwork.Device DEVICE = new VxlanNetwork.Device(1, 8472, "eth0", "192.168.77.1", false, false);
    private static final String LINK = "[{\"ifindex\":9,\"ifname\":\"flannel.1\",\"flags\":[\"BROADCAST\"],\"mtu\":%d,"
            + "\"address\":\"46:c7:68:45:e3:9b\",\"linkinfo\":{\"info_kind\":\"vxlan\",\"info_data\":{\"id\":%d,"
            + "\"local\":\"192.168.77.1\",\"link\":\"eth0\",\"port\":8472,\"learning\":false}}}]";

    @Test
    void createsTheDeviceAsFlannelDoes() {
        FakeExec exec = new FakeExec().on("link show dev flannel.1", 1, "Device \"flannel.1\" does not exist.");
        VxlanNetwork net = new VxlanNetwork(new Iproute(exec, NetNamespace.named("n1")), DEVICE);
        assertThatThrownBy(() -> net.ensureDevice(1450)).isInstanceOf(OverlayException.class); // the fake never creates it
        assertThat(exec.batches()).containsExactly("ip: link add flannel.1 mtu 1450 type vxlan id 1 dstport 8472 "
                + "local 192.168.77.1 dev eth0 nolearning");
        assertThat(exec.calls).extracting(FakeExec.Call::argv)
                .contains("ip netns exec n1 sysctl -q -w net.ipv6.conf.flannel/1.accept_ra=0");
    }

    @Test
    void keepsAMatchingDeviceAndOnlyFixesItsMtu() {
        FakeExec exec = new FakeExec().on("link show dev flannel.1", LINK.formatted(1500, 1));
        VxlanNetwork net = new VxlanNetwork(new Iproute(exec, NetNamespace.named("n1")), DEVICE);
        assertThat(net.ensureDevice(1450).mac()).isEqualTo("46:c7:68:45:e3:9b");
        assertThat(exec.batches()).containsExactly("ip: link set dev flannel.1 mtu 1450");

        FakeExec same = new FakeExec().on("link show dev flannel.1", LINK.formatted(1450, 1));
        new VxlanNetwork(new Iproute(same, NetNamespace.named("n1")), DEVICE).ensureDevice(1450);
        assertThat(same.batches()).as("nothing to change, no process").isEmpty();
    }

    @Test
    void recreatesADeviceWithOtherSettings() {
        FakeExec exec = new FakeExec().on("link show dev flannel.1", LINK.formatted(1450, 7));
        new VxlanNetwork(new Iproute(exec, NetNamespace.named("n1")), DEVICE).ensureDevice(1450);
        assertThat(exec.batches()).containsExactly("ip: link del flannel.1; link add flannel.1 mtu 1450 type vxlan id 1 "
                + "dstport 8472 local 192.168.77.1 dev eth0 nolearning");
    }

    @Test
    void theDeviceGetsTheSubnetsNetworkAddressAsA32AndLosesAnOldOne() {
        FakeExec exec = new FakeExec().on("addr show dev flannel.1", "[{\"ifname\":\"flannel.1\",\"addr_info\":["
                + "{\"family\":\"inet\",\"local\":\"10.5.7.0\",\"prefixlen\":32,\"scope\":\"global\"},"
                + "{\"family\":\"inet6\",\"local\":\"fe80::1\",\"prefixlen\":64,\"scope\":\"link\"}]}]");
        new VxlanNetwork(new Iproute(exec, NetNamespace.named("n1")), DEVICE).assignSubnet(Ipv4Net.parse("10.5.52.0/24"));
        assertThat(exec.batches()).containsExactly("ip: addr del 10.5.7.0/32 dev flannel.1; "
                + "addr replace 10.5.52.0/32 dev flannel.1; link set dev flannel.1 up");
    }

    @Test
    void reconcileRunsOneBridgeBatchThenOneIpBatch() {
        FakeExec exec = new FakeExec();
        VxlanNetwork net = new VxlanNetwork(new Iproute(exec, NetNamespace.named("n1")), DEVICE);
        boolean changed = net.reconcile(List.of(new Peer(Ipv4Net.parse("10.5.2.0/24"), "aa:bb:cc:00:00:02", "192.168.77.2")));
        assertThat(changed).isTrue();
        assertThat(exec.batches()).containsExactly(
                "bridge: fdb replace aa:bb:cc:00:00:02 dev flannel.1 dst 192.168.77.2 self permanent",
                "ip: neigh replace 10.5.2.0 lladdr aa:bb:cc:00:00:02 dev flannel.1 nud permanent; "
                        + "route replace 10.5.2.0/24 via 10.5.2.0 dev flannel.1 onlink");
        assertThat(exec.calls.stream().filter(c -> c.argv().endsWith("-batch -")).map(FakeExec.Call::argv))
                .containsExactly("bridge -n n1 -batch -", "ip -n n1 -batch -");
    }
}
