package dev.podnet.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.linux.FdbEntry;
import dev.podnet.linux.IpBatch;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.Neighbour;
import dev.podnet.linux.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

class VxlanPlanTest {
    private static final Peer B = new Peer(Ipv4Net.parse("10.5.2.0/24"), "aa:bb:cc:00:00:02", "192.168.77.2");
    private static final Peer C = new Peer(Ipv4Net.parse("10.5.3.0/24"), "aa:bb:cc:00:00:03", "192.168.77.3");

    private static VxlanPlan plan(List<Peer> peers, List<Neighbour> n, List<FdbEntry> f, List<Route> r) {
        NetNamespace ns = NetNamespace.named("node1");
        return VxlanPlan.plan("flannel.1", peers, n, f, r, IpBatch.bridge(ns), IpBatch.ip(ns));
    }

    @Test
    void aFreshDeviceGetsFdbThenNeighboursThenRoutesForEveryPeer() {
        VxlanPlan p = plan(List.of(B, C), List.of(), List.of(), List.of());
        assertThat(p.fdb().lines()).containsExactly(
                "fdb replace aa:bb:cc:00:00:02 dev flannel.1 dst 192.168.77.2 self permanent",
                "fdb replace aa:bb:cc:00:00:03 dev flannel.1 dst 192.168.77.3 self permanent");
        assertThat(p.routes().lines()).containsExactly(
                "neigh replace 10.5.2.0 lladdr aa:bb:cc:00:00:02 dev flannel.1 nud permanent",
                "neigh replace 10.5.3.0 lladdr aa:bb:cc:00:00:03 dev flannel.1 nud permanent",
                "route replace 10.5.2.0/24 via 10.5.2.0 dev flannel.1 onlink",
                "route replace 10.5.3.0/24 via 10.5.3.0 dev flannel.1 onlink");
    }

    @Test
    void nothingToDoWhenTheKernelMatches() {
        VxlanPlan p = plan(List.of(B),
                List.of(new Neighbour("10.5.2.0", "aa:bb:cc:00:00:02", List.of("PERMANENT"))),
                List.of(new FdbEntry("aa:bb:cc:00:00:02", "192.168.77.2", List.of("self"), "permanent")),
                List.of(new Route("10.5.2.0/24", "10.5.2.0", "", List.of("onlink"))));
        assertThat(p.isEmpty()).isTrue();
    }

    @Test
    void removesWhatBelongsToNoPeerAndLeavesTheKernelsOwnEntriesAlone() {
        VxlanPlan p = plan(List.of(B),
                List.of(new Neighbour("10.5.2.0", "aa:bb:cc:00:00:02", List.of("PERMANENT")),
                        new Neighbour("10.5.3.0", "aa:bb:cc:00:00:03", List.of("PERMANENT")),
                        new Neighbour("10.5.9.9", "", List.of("FAILED"))),
                List.of(new FdbEntry("aa:bb:cc:00:00:02", "192.168.77.2", List.of("self"), "permanent"),
                        new FdbEntry("aa:bb:cc:00:00:03", "192.168.77.3", List.of("self"), "permanent"),
                        new FdbEntry("33:33:00:00:00:01", "", List.of("self"), "permanent")),
                List.of(new Route("10.5.2.0/24", "10.5.2.0", "", List.of("onlink")),
                        new Route("10.5.3.0/24", "10.5.3.0", "", List.of("onlink")),
                        new Route("10.5.0.0/16", "", "", List.of())));
        assertThat(p.fdb().lines()).containsExactly("fdb del aa:bb:cc:00:00:03 dev flannel.1 dst 192.168.77.3 self");
        assertThat(p.routes().lines()).containsExactly("route del 10.5.3.0/24 dev flannel.1", "neigh del 10.5.3.0 dev flannel.1");
    }

    @Test
    void aPeerThatChangedItsMacOrAddressIsReplacedNotDoubled() {
        Peer moved = new Peer(B.subnet(), "aa:bb:cc:00:00:22", "192.168.77.22");
        VxlanPlan p = plan(List.of(moved),
                List.of(new Neighbour("10.5.2.0", "aa:bb:cc:00:00:02", List.of("PERMANENT"))),
                List.of(new FdbEntry("aa:bb:cc:00:00:02", "192.168.77.2", List.of("self"), "permanent")),
                List.of(new Route("10.5.2.0/24", "10.5.2.0", "", List.of("onlink"))));
        assertThat(p.fdb().lines()).containsExactly(
                "fdb del aa:bb:cc:00:00:02 dev flannel.1 dst 192.168.77.2 self",
                "fdb replace aa:bb:cc:00:00:22 dev flannel.1 dst 192.168.77.22 self permanent");
        assertThat(p.routes().lines()).containsExactly(
                "neigh replace 10.5.2.0 lladdr aa:bb:cc:00:00:22 dev flannel.1 nud permanent");
    }
}
