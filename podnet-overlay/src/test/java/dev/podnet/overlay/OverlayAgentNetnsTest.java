package dev.podnet.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.linux.Exec;
import dev.podnet.linux.FdbEntry;
import dev.podnet.linux.Iproute;
import dev.podnet.linux.Link;
import dev.podnet.linux.Neighbour;
import dev.podnet.linux.Route;
import dev.podnet.linux.TestNamespaces;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.EmbeddedStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overlay agents on the embedded store, each programming its own node namespace; the nodes share an underlay bridge
 * in a namespace of its own (192.168.77.0/24 on the node ends only). Node-to-node pings go through the VXLAN tunnel:
 * from one node's flannel.1 address to another's.
 */
@Tag("netns")
class OverlayAgentNetnsTest {
    private static final String PREFIX = "/coreos.com/network";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private EmbeddedStore embedded;
    private final List<OverlayAgent> agents = new ArrayList<>();

    @BeforeEach
    void store() {
        embedded = EmbeddedStore.open(dir.resolve("store"), clock);
        embedded.put(PREFIX + "/config", "{\"Network\":\"10.5.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1}}"
                .getBytes(StandardCharsets.UTF_8), 0);
    }

    @AfterEach
    void stop() {
        agents.forEach(OverlayAgent::close);
        embedded.close();
    }

    /** Namespaces ul (a bridge) and n1..nN, each node's eth0 on the bridge with 192.168.77.i/24. */
    private List<Iproute> nodes(int count) {
        Iproute ul = netns.add("ul");
        String ulName = ul.netns().name().orElseThrow();
        ul.run(ul.ipBatch().add("link", "add", "br0", "type", "bridge").add("link", "set", "br0", "up"));
        List<Iproute> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Iproute n = netns.add("n" + i);
            n.run(n.ipBatch().add("link", "add", "eth0", "type", "veth", "peer", "name", "pu" + i, "netns", ulName)
                    .add("addr", "add", "192.168.77." + i + "/24", "dev", "eth0").add("link", "set", "eth0", "up"));
            ul.run(ul.ipBatch().add("link", "set", "pu" + i, "master", "br0").add("link", "set", "pu" + i, "up"));
            nodes.add(n);
        }
        return nodes;
    }

    private OverlayAgent start(ClusterStore store, Iproute node, Duration maintainEvery) {
        String name = node.netns().name().orElseThrow();
        OverlayAgent.Settings s = OverlayAgent.Settings.defaults().withIface("eth0")
                .withSubnetFile(dir.resolve(name).resolve("subnet.env")).withMaintainEvery(maintainEvery);
        OverlayAgent a = OverlayAgent.start(store, node, s, clock, new Random());
        agents.add(a);
        return a;
    }

    private OverlayAgent start(Iproute node) {
        return start(embedded, node, Duration.ofHours(1)); // the watch, not the periodic check, must do the work
    }

    private static List<String> routes(Iproute n) {
        return n.routes("flannel.1").stream().map(r -> r.dst() + " via " + r.gateway()).sorted().toList();
    }

    private static String routeTo(SubnetLease l) {
        return l.subnet() + " via " + l.subnet().ip();
    }

    private static String vtep(SubnetLease l) {
        return l.attrs().vxlan().orElseThrow().vtepMac();
    }

    private void assertPings(Iproute from, String address) {
        Exec.Result r = netns.exec().run(List.of("ip", "netns", "exec", from.netns().name().orElseThrow(), "ping", "-4",
                "-n", "-c", "2", "-i", "0.2", "-w", "10", address), "");
        assertThat(r.exit()).as("ping from " + from.netns() + " to " + address + ": " + r).isZero();
    }

    private void deleteLease(SubnetLease l) {
        KeyValue kv = embedded.get(SubnetLease.path(PREFIX, l.key())).orElseThrow();
        embedded.deleteIfRevision(kv.key(), kv.modRevision());
    }

    @Test
    void nodesReachEachOtherThroughTheTunnelForgetAGoneLeaseAndKeepTheirSubnetAcrossRestarts() throws IOException {
        List<Iproute> n = nodes(3);
        OverlayAgent a1 = start(n.get(0));
        OverlayAgent a2 = start(n.get(1));
        OverlayAgent a3 = start(n.get(2));
        SubnetLease l1 = a1.lease();
        SubnetLease l2 = a2.lease();
        SubnetLease l3 = a3.lease();
        assertThat(List.of(l1.subnet(), l2.subnet(), l3.subnet())).doesNotHaveDuplicates();

        Await.until("node 1 routes to nodes 2 and 3", WAIT,
                () -> routes(n.get(0)).equals(List.of(routeTo(l2), routeTo(l3)).stream().sorted().toList()),
                () -> routes(n.get(0)));
        Await.until("node 3 routes to nodes 1 and 2", WAIT, () -> routes(n.get(2)).size() == 2, () -> routes(n.get(2)));

        Iproute n1 = n.get(0);
        Link dev = n1.link("flannel.1").orElseThrow();
        assertThat(dev.mtu()).isEqualTo(1450);
        assertThat(dev.up()).isTrue();
        assertThat(dev.mac()).isEqualTo(vtep(l1));
        assertThat(dev.vxlan().orElseThrow().port()).isEqualTo(8472);
        assertThat(n1.addresses("flannel.1").stream().filter(a -> a.ipv4()).map(a -> a.cidr()))
                .containsExactly(l1.subnet().ip() + "/32");
        assertThat(n1.neighbours("flannel.1")).contains(new Neighbour(l2.subnet().ip(), vtep(l2), List.of("PERMANENT")));
        assertThat(n1.fdb("flannel.1")).contains(new FdbEntry(vtep(l2), "192.168.77.2", List.of("self"), "permanent"));
        assertThat(n1.routes("flannel.1")).contains(new Route(l2.subnet().toString(), l2.subnet().ip(), "", List.of("onlink")));
        assertThat(Files.readString(dir.resolve(n1.netns().name().orElseThrow()).resolve("subnet.env"))).isEqualTo(
                "FLANNEL_NETWORK=10.5.0.0/16\nFLANNEL_SUBNET=" + l1.subnet().host(1) + "/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n");

        assertPings(n1, l2.subnet().ip());
        assertPings(n.get(2), l1.subnet().ip());

        // node 3 goes away and its lease is deleted: the others forget it
        a3.close();
        deleteLease(l3);
        for (Iproute other : List.of(n.get(0), n.get(1))) {
            Await.until(other.netns() + " forgets node 3", WAIT,
                    () -> !routes(other).contains(routeTo(l3))
                            && other.neighbours("flannel.1").stream().noneMatch(x -> x.dst().equals(l3.subnet().ip()))
                            && other.fdb("flannel.1").stream().noneMatch(f -> f.dst().equals("192.168.77.3")),
                    () -> routes(other) + " " + other.fdb("flannel.1"));
        }

        // node 2 restarts: same subnet, still reachable
        a2.close();
        OverlayAgent a2again = start(n.get(1));
        assertThat(a2again.lease().subnet()).isEqualTo(l2.subnet());
        assertPings(n1, l2.subnet().ip());

        // node 1 restarts after someone left a stale peer on its device: that one is removed, node 2's stay
        a1.close();
        n1.run(n1.ipBatch().add("neigh", "replace", "10.5.99.0", "lladdr", "02:00:00:00:00:99", "dev", "flannel.1", "nud", "permanent")
                .add("route", "replace", "10.5.99.0/24", "via", "10.5.99.0", "dev", "flannel.1", "onlink"));
        n1.run(n1.bridgeBatch().add("fdb", "replace", "02:00:00:00:00:99", "dev", "flannel.1", "dst", "192.168.77.99", "self", "permanent"));
        OverlayAgent a1again = start(n1);
        assertThat(a1again.lease().subnet()).isEqualTo(l1.subnet());
        assertThat(routes(n1)).containsExactly(routeTo(l2));
        assertThat(n1.neighbours("flannel.1").stream().filter(Neighbour::permanent).map(Neighbour::dst)).containsExactly(l2.subnet().ip());
        assertThat(n1.fdb("flannel.1").stream().filter(FdbEntry::permanent).map(FdbEntry::dst)).containsExactly("192.168.77.2");
        assertPings(n1, l2.subnet().ip());
    }

    @Test
    void aCompactedWatchIsReplacedByAFullRead() {
        GatedStore gated = new GatedStore(embedded);
        List<Iproute> n = nodes(3);
        OverlayAgent a1 = start(gated, n.get(0), Duration.ofHours(1));
        OverlayAgent a2 = start(gated, n.get(1), Duration.ofHours(1));
        Await.until("node 1 routes to node 2", WAIT, () -> routes(n.get(0)).contains(routeTo(a2.lease())));

        gated.muteWatches(); // node 1's watch falls behind: it hears nothing of what follows
        a2.close();
        deleteLease(a2.lease());
        assertThat(routes(n.get(0))).contains(routeTo(a2.lease()));

        gated.failWatches(StoreException.Kind.COMPACTED);
        Await.until("node 1 re-reads and drops node 2", WAIT, () -> routes(n.get(0)).isEmpty(), () -> routes(n.get(0)));

        OverlayAgent a3 = start(gated, n.get(2), Duration.ofHours(1));
        Await.until("the new watch sees node 3", WAIT, () -> routes(n.get(0)).equals(List.of(routeTo(a3.lease()))),
                () -> routes(n.get(0)));
        assertThat(a1.lease().subnet()).isNotEqualTo(a3.lease().subnet());
    }

    @Test
    void theCheckRecreatesADeletedDeviceAndItsRoutes() {
        List<Iproute> n = nodes(2);
        OverlayAgent a1 = start(embedded, n.get(0), Duration.ofMillis(200));
        OverlayAgent a2 = start(n.get(1));
        Await.until("node 1 routes to node 2", WAIT, () -> routes(n.get(0)).contains(routeTo(a2.lease())));

        n.get(0).run(n.get(0).ipBatch().add("link", "del", "flannel.1"));
        Await.until("flannel.1 is back with its route", WAIT,
                () -> n.get(0).link("flannel.1").isPresent() && routes(n.get(0)).contains(routeTo(a2.lease())));
        Await.until("the lease carries the new VTEP MAC", WAIT, () -> embedded.get(SubnetLease.path(PREFIX, a1.lease().key()))
                .map(KeyValue::valueText).orElse("").contains(n.get(0).link("flannel.1").orElseThrow().mac()));
        Await.until("node 2 follows the new MAC", WAIT, () -> n.get(1).neighbours("flannel.1").stream()
                .anyMatch(x -> x.lladdr().equals(n.get(0).link("flannel.1").orElseThrow().mac())));
        assertPings(n.get(1), a1.lease().subnet().ip());
    }
}
