package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.linux.FdbEntry;
import dev.podnet.linux.Iproute;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.Neighbour;
import dev.podnet.linux.ProcessExec;
import dev.podnet.linux.Route;
import dev.podnet.overlay.Ipv4Net;
import dev.podnet.overlay.OverlayAgent;
import dev.podnet.overlay.SubnetEnv;
import dev.podnet.store.ClusterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flannel-compatible overlay end to end, on each cluster store a subclass gives: three node namespaces joined by
 * an underlay bridge in a namespace of its own (192.168.77.1-3/24 on the node ends only), an overlay agent per node
 * (nodes 1 and 2 in this JVM, node 3 as a {@code podnet overlay --netns} process), and two pods per node attached by
 * the reference bridge plugin with podnet-ipam in embedded mode, its range being the node's leased subnet from
 * subnet.env and its route the overlay network (as the flannel CNI plugin configures its delegate). A lease written
 * from outside the agents, as for a flannel node, is honoured: never taken, and routed to.
 */
@Tag("netns")
@ExtendWith(Netns.Required.class)
abstract class OverlayNetnsContract {
    @RegisterExtension
    static final PodnetIpamPlugin PLUGIN = new PodnetIpamPlugin();
    @RegisterExtension
    final Netns net = new Netns();
    @TempDir
    protected Path dir;

    protected static final String PREFIX = "/coreos.com/network";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A new JVM on a busy machine: class loading alone can take most of WAIT. */
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    private static final String FLANNEL_NODE_LEASE =
            "{\"PublicIP\":\"192.168.77.9\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:09\"}}";

    protected final List<AutoCloseable> cleanup = new ArrayList<>();

    /** The store nodes 1 and 2 share in this JVM; the contract closes it. */
    protected abstract ClusterStore openStore() throws Exception;

    /** How {@code podnet overlay} (node 3, its own process) reaches the same store. */
    protected abstract List<String> storeFlags(String node) throws Exception;

    /** Writes a key from outside the agents, as another tool or a flannel node would. */
    protected abstract void put(String key, String value);

    /** A key's value read from outside the agents; "" when there is none. */
    protected abstract String get(String key);

    protected abstract void delete(String key);

    /** Every key under {@code prefix} and its value, a line each, as {@code etcdctl get --prefix} prints them. */
    protected abstract String listing(String prefix);

    @AfterEach
    void stopAgents() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    /** A node: its namespace, the agent or process running its overlay, and its pods. */
    private record Node(String ns, Iproute ip, Path subnetFile) {
    }

    @Test
    void podsOnThreeNodesReachEachOtherAndTheLeasesFollowNodesComingAndGoing() throws Exception {
        put(PREFIX + "/config",
                "{\"Network\":\"10.5.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1,\"Port\":8472}}");
        put(PREFIX + "/subnets/10.5.9.0-24", FLANNEL_NODE_LEASE);

        String ul = net.add("ul");
        net.ipOk(ul, "link", "add", "br0", "type", "bridge");
        net.ipOk(ul, "link", "set", "br0", "up");
        List<Node> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String ns = net.add("n" + i);
            net.ipOk(ns, "link", "add", "eth0", "type", "veth", "peer", "name", "pu" + i, "netns", ul);
            net.ipOk(ns, "addr", "add", "192.168.77." + i + "/24", "dev", "eth0");
            net.ipOk(ns, "link", "set", "eth0", "up");
            net.ipOk(ul, "link", "set", "pu" + i, "master", "br0");
            net.ipOk(ul, "link", "set", "pu" + i, "up");
            net.execOk(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            nodes.add(new Node(ns, new Iproute(new ProcessExec(), NetNamespace.named(ns)), dir.resolve("n" + i).resolve("subnet.env")));
        }

        ClusterStore store = openStore();
        cleanup.add(store);
        OverlayAgent a1 = startInJvm(store, nodes.get(0));
        OverlayAgent a2 = startInJvm(store, nodes.get(1));
        Process p3 = startProcess(nodes.get(2));

        Map<Node, Ipv4Net> subnets = new LinkedHashMap<>();
        for (Node n : nodes) {
            subnets.put(n, subnetOf(n));
        }
        assertThat(subnets.values()).doesNotHaveDuplicates().doesNotContain(Ipv4Net.parse("10.5.9.0/24"));
        assertThat(a1.lease().subnet()).isEqualTo(subnets.get(nodes.get(0)));

        for (Node n : nodes) {
            List<String> want = new ArrayList<>();
            subnets.forEach((other, sn) -> {
                if (other != n) {
                    want.add(sn + " via " + sn.ip());
                }
            });
            want.add("10.5.9.0/24 via 10.5.9.0");
            await(n.ns() + " routes every other lease", () -> routes(n).containsAll(want) && routes(n).size() == want.size(),
                    () -> routes(n).toString());
            // the flannel node's lease, written from outside, is programmed like any other
            assertThat(n.ip().fdb("flannel.1")).contains(new FdbEntry("aa:bb:cc:dd:ee:09", "192.168.77.9", List.of("self"), "permanent"));
            assertThat(n.ip().neighbours("flannel.1")).contains(new Neighbour("10.5.9.0", "aa:bb:cc:dd:ee:09", List.of("PERMANENT")));
        }
        assertThat(get(PREFIX + "/subnets/10.5.9.0-24").strip()).isEqualTo(FLANNEL_NODE_LEASE);

        // two pods per node, on the node's leased subnet
        Map<Node, List<String>> pods = new LinkedHashMap<>();
        int podNumber = 0;
        for (Node n : nodes) {
            Map<String, String> env = SubnetEnv.read(n.subnetFile());
            assertThat(env.get("FLANNEL_MTU")).isEqualTo("1450");
            Ipv4Net sn = subnets.get(n);
            assertThat(env.get("FLANNEL_SUBNET")).isEqualTo(sn.host(1) + "/24");
            String conf = """
                    {"cniVersion":"1.0.0","name":"overlay","type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":false,
                     "mtu":%s,"ipam":{"type":"podnet-ipam","dataDir":"%s",
                     "ranges":[[{"subnet":"%s","rangeStart":"%s","rangeEnd":"%s"}]],"routes":[{"dst":"%s"}]}}"""
                    .formatted(env.get("FLANNEL_MTU"), dir.resolve("ipam-" + n.ns()), sn, sn.host(10), sn.host(50),
                            env.get("FLANNEL_NETWORK"));
            Cni cni = new Cni(net, n.ns(), PLUGIN);
            List<String> addresses = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                podNumber++;
                Cni.Pod pod = new Cni.Pod(net.add("p" + podNumber), net.prefix() + "-c" + podNumber);
                String address = Cni.host(Cni.addresses(cni.add("bridge", pod, conf).result()).getFirst());
                assertThat(sn.contains(Ipv4Net.parseAddress(address))).as(address + " in " + sn).isTrue();
                addresses.add(pod.ns() + "=" + address);
            }
            pods.put(n, addresses);
        }

        // every pod pings every pod on the other nodes
        for (Node from : nodes) {
            for (String src : pods.get(from)) {
                for (Node to : nodes) {
                    if (to != from) {
                        for (String dst : pods.get(to)) {
                            net.assertPings(src.split("=")[0], dst.split("=")[1]);
                        }
                    }
                }
            }
        }

        String listing = listing(PREFIX);
        System.out.println("the keys under " + PREFIX + ":\n" + listing);
        assertThat(listing).contains(PREFIX + "/config", PREFIX + "/subnets/10.5.9.0-24");
        for (Ipv4Net sn : subnets.values()) {
            assertThat(listing).contains(PREFIX + "/subnets/" + sn.ip() + "-24");
        }

        // node 3 stops (SIGTERM: exit 0, lease kept) and its lease is deleted: nodes 1 and 2 forget it
        p3.destroy();
        assertThat(p3.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p3.exitValue()).as("podnet overlay exits 0 on SIGTERM; log: " + Files.readString(dir.resolve("n3.log"))).isZero();
        Ipv4Net gone = subnets.get(nodes.get(2));
        assertThat(get(PREFIX + "/subnets/" + gone.ip() + "-24")).contains("192.168.77.3");
        delete(PREFIX + "/subnets/" + gone.ip() + "-24");
        for (Node n : nodes.subList(0, 2)) {
            await(n.ns() + " forgets node 3", () -> !routes(n).contains(gone + " via " + gone.ip())
                            && n.ip().fdb("flannel.1").stream().noneMatch(f -> f.dst().equals("192.168.77.3"))
                            && n.ip().neighbours("flannel.1").stream().noneMatch(x -> x.dst().equals(gone.ip())),
                    () -> routes(n) + " " + n.ip().fdb("flannel.1"));
        }

        // node 2's agent restarts: same subnet, and its pods are reachable again
        a2.close();
        OverlayAgent a2again = startInJvm(store, nodes.get(1));
        assertThat(a2again.lease().subnet()).isEqualTo(subnets.get(nodes.get(1)));
        for (String src : pods.get(nodes.get(0))) {
            for (String dst : pods.get(nodes.get(1))) {
                net.assertPings(src.split("=")[0], dst.split("=")[1]);
            }
        }
    }

    private OverlayAgent startInJvm(ClusterStore store, Node n) {
        OverlayAgent.Settings s = OverlayAgent.Settings.defaults().withIface("eth0").withSubnetFile(n.subnetFile());
        OverlayAgent a = OverlayAgent.start(store, n.ip(), s, InstantSource.system(), new Random());
        cleanup.add(a);
        return a;
    }

    /** {@code podnet overlay} as its own JVM, programming the node's namespace and reaching the store from the root one. */
    private Process startProcess(Node n) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.podnet.cli.Main", "overlay", "--netns", n.ns(), "--iface", "eth0",
                "--subnet-file", n.subnetFile().toString()));
        command.addAll(storeFlags(n.ns()));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("n3.log").toFile()).start();
        cleanup.add(() -> {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        });
        await("podnet overlay in " + n.ns() + " writes " + n.subnetFile(), START_WAIT, () -> {
            assertThat(p.isAlive()).as("podnet overlay exited early: " + readQuietly(dir.resolve("n3.log"))).isTrue();
            return Files.exists(n.subnetFile());
        }, () -> readQuietly(dir.resolve("n3.log")));
        return p;
    }

    private static Ipv4Net subnetOf(Node n) throws IOException {
        String first = SubnetEnv.read(n.subnetFile()).get("FLANNEL_SUBNET"); // 10.5.52.1/24
        String[] parts = first.split("/");
        long address = Ipv4Net.parseAddress(parts[0]) - 1;
        return new Ipv4Net(address, Integer.parseInt(parts[1]));
    }

    private static List<String> routes(Node n) {
        return n.ip().routes("flannel.1").stream().filter(Route::onlink).map(r -> r.dst() + " via " + r.gateway()).toList();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> state) {
        await(what, WAIT, condition, state);
    }

    private static void await(String what, Duration within, BooleanSupplier condition,
                              java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what + "; now: " + state.get());
            }
            try {
                Thread.sleep(50); // polling the kernel and another process; nothing notifies us
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }
}
