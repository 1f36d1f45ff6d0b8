package dev.podnet.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Batches and readers against the real kernel, inside namespaces of the test's own. */
@Tag("netns")
class IprouteNetnsTest {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void programsAVxlanDeviceItsNeighbourFdbAndRouteAndReadsThemBack() {
        Iproute ip = netns.add("node");
        ip.run(ip.ipBatch()
                .add("link", "add", "u0", "type", "veth", "peer", "name", "u1")
                .add("addr", "add", "192.168.77.1/24", "dev", "u0")
                .add("link", "set", "u0", "up")
                .add("link", "add", "flannel.7", "mtu", "1450", "type", "vxlan", "id", "7", "dstport", "8472",
                        "local", "192.168.77.1", "dev", "u0", "nolearning")
                .add("addr", "replace", "10.5.1.0/32", "dev", "flannel.7")
                .add("link", "set", "flannel.7", "up")
                .add("neigh", "replace", "10.5.3.0", "lladdr", "aa:bb:cc:dd:ee:ff", "dev", "flannel.7", "nud", "permanent")
                .add("route", "replace", "10.5.3.0/24", "via", "10.5.3.0", "dev", "flannel.7", "onlink"));
        ip.run(ip.bridgeBatch()
                .add("fdb", "replace", "aa:bb:cc:dd:ee:ff", "dev", "flannel.7", "dst", "192.168.77.3", "self", "permanent"));

        Link link = ip.link("flannel.7").orElseThrow();
        assertThat(link.mtu()).isEqualTo(1450);
        assertThat(link.up()).isTrue();
        assertThat(link.mac()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
        assertThat(link.vxlan()).contains(new Link.Vxlan(7, Optional.of("192.168.77.1"), Optional.of("u0"), 8472, false));
        assertThat(ip.addresses("flannel.7")).contains(new Address("inet", "10.5.1.0", 32, "global"));
        assertThat(ip.neighbours("flannel.7")).containsExactly(
                new Neighbour("10.5.3.0", "aa:bb:cc:dd:ee:ff", List.of("PERMANENT")));
        assertThat(ip.fdb("flannel.7")).contains(new FdbEntry("aa:bb:cc:dd:ee:ff", "192.168.77.3", List.of("self"), "permanent"));
        assertThat(ip.routes("flannel.7")).containsExactly(new Route("10.5.3.0/24", "10.5.3.0", "", List.of("onlink")));
        assertThat(ip.link("flannel.8")).isEmpty();
        assertThat(ip.links()).extracting(Link::name).contains("lo", "u0", "u1", "flannel.7");
    }

    @Test
    void aFailingLineStopsTheBatchAndIsNamed() {
        Iproute ip = netns.add("node");
        IpBatch batch = ip.ipBatch()
                .add("link", "add", "v0", "type", "veth", "peer", "name", "v1")
                .add("route", "del", "10.9.9.0/24", "dev", "v0")
                .add("link", "set", "v0", "up");
        assertThatThrownBy(() -> ip.run(batch)).isInstanceOf(LinuxException.class)
                .hasMessageContaining("line 2 of 3 `route del 10.9.9.0/24 dev v0` failed");
        // the first line was applied, the third never was
        assertThat(ip.link("v0")).hasValueSatisfying(l -> assertThat(l.up()).isFalse());
    }

    @Test
    void sysctlsAreSetInsideTheNamespace() {
        Iproute ip = netns.add("node");
        ip.sysctl("net.ipv4.ip_forward", "1");
        assertThat(ip.sysctl("net.ipv4.ip_forward")).isEqualTo("1");
        ip.run(ip.ipBatch().add("link", "add", "flannel.1", "type", "vxlan", "id", "1", "dstport", "8472"));
        ip.sysctl("net.ipv6.conf.flannel/1.accept_ra", "0");
        assertThat(ip.sysctl("net.ipv6.conf.flannel/1.accept_ra")).isEqualTo("0");
    }
}
