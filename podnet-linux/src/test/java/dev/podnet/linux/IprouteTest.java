package dev.podnet.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The readers against iproute2 6.1's JSON, as captured from a namespace with a flannel-style VXLAN device. */
class IprouteTest {
    private static final String VXLAN_LINK = """
            [{"ifindex":4,"ifname":"flannel.1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,\
            "qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,\
            "link_type":"ether","address":"46:c7:68:45:e3:9b","broadcast":"ff:ff:ff:ff:ff:ff","promiscuity":0,\
            "linkinfo":{"info_kind":"vxlan","info_data":{"id":1,"local":"192.168.77.1","link":"u0",\
            "port_range":{"low":0,"high":0},"port":8472,"learning":false,"ttl":0,"df":"unset","ageing":300}}}]""";

    private final RecordingExec exec = new RecordingExec();
    private final Iproute ip = new Iproute(exec, NetNamespace.named("node1"));

    @Test
    void readsAVxlanLinkWithItsSettings() {
        exec.answer(0, VXLAN_LINK, "");
        Link link = ip.link("flannel.1").orElseThrow();

        assertThat(exec.calls.getFirst().argv())
                .containsExactly("ip", "-n", "node1", "-j", "-d", "link", "show", "dev", "flannel.1");
        assertThat(link.name()).isEqualTo("flannel.1");
        assertThat(link.mtu()).isEqualTo(1450);
        assertThat(link.mac()).isEqualTo("46:c7:68:45:e3:9b");
        assertThat(link.up()).isTrue();
        assertThat(link.kind()).contains("vxlan");
        assertThat(link.vxlan()).contains(new Link.Vxlan(1, Optional.of("192.168.77.1"), Optional.of("u0"), 8472, false));
    }

    @Test
    void aMissingLinkIsEmptyAndOtherFailuresThrow() {
        exec.answer(1, "", "Device \"flannel.1\" does not exist.\n");
        assertThat(ip.link("flannel.1")).isEmpty();

        exec.answer(1, "", "Cannot open network namespace \"node1\": No such file or directory\n");
        assertThatThrownBy(() -> ip.link("flannel.1")).isInstanceOf(LinuxException.class)
                .hasMessageContaining("Cannot open network namespace");
    }

    @Test
    void readsNeighboursFdbEntriesRoutesAndAddresses() {
        exec.answer(0, "[{\"dst\":\"10.5.3.0\",\"lladdr\":\"aa:bb:cc:dd:ee:ff\",\"state\":[\"PERMANENT\"]},"
                + "{\"dst\":\"10.5.4.0\",\"state\":[\"FAILED\"]}]", "");
        assertThat(ip.neighbours("flannel.1")).containsExactly(
                new Neighbour("10.5.3.0", "aa:bb:cc:dd:ee:ff", List.of("PERMANENT")),
                new Neighbour("10.5.4.0", "", List.of("FAILED")));
        assertThat(ip.neighbours("flannel.1").isEmpty()).isTrue(); // no canned answer left: empty output = no entries

        exec.answer(0, "[{\"mac\":\"aa:bb:cc:dd:ee:ff\",\"dst\":\"192.168.77.3\",\"flags\":[\"self\"],\"state\":\"permanent\"}]", "");
        assertThat(ip.fdb("flannel.1")).containsExactly(
                new FdbEntry("aa:bb:cc:dd:ee:ff", "192.168.77.3", List.of("self"), "permanent"));

        exec.answer(0, "[{\"dst\":\"10.5.3.0/24\",\"gateway\":\"10.5.3.0\",\"flags\":[\"onlink\"]}]", "");
        assertThat(ip.routes("flannel.1")).containsExactly(
                new Route("10.5.3.0/24", "10.5.3.0", "", List.of("onlink")));

        exec.answer(0, "[{\"ifindex\":4,\"ifname\":\"flannel.1\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"10.5.1.0\","
                + "\"prefixlen\":32,\"scope\":\"global\"},{\"family\":\"inet6\",\"local\":\"fe80::1\",\"prefixlen\":64,"
                + "\"scope\":\"link\"}]}]", "");
        assertThat(ip.addresses("flannel.1")).containsExactly(new Address("inet", "10.5.1.0", 32, "global"),
                new Address("inet6", "fe80::1", 64, "link"));

        assertThat(exec.calls.stream().map(c -> String.join(" ", c.argv()))).containsExactly(
                "ip -n node1 -j -4 neigh show dev flannel.1",
                "ip -n node1 -j -4 neigh show dev flannel.1",
                "bridge -n node1 -j fdb show dev flannel.1",
                "ip -n node1 -j -4 route show dev flannel.1",
                "ip -n node1 -j addr show dev flannel.1");
    }

    @Test
    void findsTheDefaultRouteDevice() {
        exec.answer(0, "[{\"dst\":\"default\",\"gateway\":\"192.168.77.254\",\"dev\":\"eth0\",\"flags\":[]}]", "");
        assertThat(ip.defaultRouteDevice()).contains("eth0");
        exec.answer(0, "[]", "");
        assertThat(ip.defaultRouteDevice()).isEmpty();
    }

    @Test
    void setsAndReadsSysctlsInsideTheNamespace() {
        exec.answer(0, "", "").answer(0, "1\n", "");
        ip.sysctl("net.ipv4.ip_forward", "1");
        assertThat(ip.sysctl("net.ipv4.ip_forward")).isEqualTo("1");
        assertThat(exec.calls.get(0).argv())
                .containsExactly("ip", "netns", "exec", "node1", "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        assertThat(exec.calls.get(1).argv()).containsExactly("ip", "netns", "exec", "node1", "sysctl", "-n", "net.ipv4.ip_forward");
        assertThatThrownBy(() -> ip.sysctl("net.ipv4.ip_forward", "1; reboot")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void outputThatIsNotJsonIsAClearError() {
        exec.answer(0, "Usage: ip link show", "");
        assertThatThrownBy(() -> ip.links()).isInstanceOf(LinuxException.class)
                .hasMessageContaining("ip -j -d link show in netns node1 printed something that is not JSON");
    }
}
