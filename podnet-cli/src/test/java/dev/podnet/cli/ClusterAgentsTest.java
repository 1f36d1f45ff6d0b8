package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.blocks.BlockPool;
import dev.podnet.blocks.BlockPoolConfig;
import dev.podnet.blocks.BlockPoolLoop;
import dev.podnet.blocks.NodeRegistration;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.kube.KubeMockProcess;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.etcd.EtcdExtension;
import dev.podnet.store.etcd.EtcdStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three `podnet agent --cluster-pool` processes and ten BlockPools in this JVM, all on one real etcd, ADD and DEL
 * concurrently from the same /22: no address may be handed to two live pods, and the store must account for every
 * pod address in its node's holder bits.
 */
class ClusterAgentsTest {
    static final String CIDR = "10.244.0.0/22";
    static final int AGENTS = 3;
    static final int IN_JVM = 10;
    static final int PODS = 40;

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();
    @RegisterExtension
    static final KubeMockProcess KUBE = new KubeMockProcess();

    @TempDir
    Path dir;

    /** One node of the test, either an agent process reached over its socket or a BlockPool here. */
    interface Node {
        String name();

        String add(String containerId) throws IOException;

        void del(String containerId) throws IOException;

        Set<String> addresses() throws IOException;
    }

    record AgentNode(String name, Path socket, Process process) implements Node {
        @Override
        public String add(String containerId) throws IOException {
            AgentReply reply = AgentProcess.ask(socket, AgentRequest.add(containerId, "eth0", "/n", "cluster",
                    List.of(), Map.of()));
            assertThat(reply).as("ADD on %s: %s", name, reply).isInstanceOf(AgentReply.Success.class);
            return address(((AgentReply.Success) reply).result().ips().getFirst().address());
        }

        @Override
        public void del(String containerId) throws IOException {
            assertThat(AgentProcess.ask(socket, AgentRequest.del(containerId, "eth0", "/n", "cluster", Map.of())))
                    .isInstanceOf(AgentReply.Success.class);
        }

        @Override
        public Set<String> addresses() throws IOException {
            Set<String> all = new HashSet<>();
            AgentProcess.status(socket).allocations().stream().filter(a -> a.pool().equals("cluster"))
                    .forEach(a -> all.add(address(a.address())));
            return all;
        }
    }

    record PoolNode(String name, Ipam ipam, BlockPool pool, BlockPoolLoop loop) implements Node {
        @Override
        public String add(String containerId) {
            return pool.allocate(AttachmentKey.of(containerId, "eth0"), List.of()).addresses().getFirst().address()
                    .toCanonicalString();
        }

        @Override
        public void del(String containerId) {
            assertThat(pool.release(AttachmentKey.of(containerId, "eth0"))).isPresent();
        }

        @Override
        public Set<String> addresses() {
            Set<String> all = new HashSet<>();
            ipam.allocations().forEach(a -> all.add(a.addresses().getFirst().address().toCanonicalString()));
            return all;
        }
    }

    static String address(String cidr) {
        return cidr.substring(0, cidr.indexOf('/'));
    }

    @Test
    void threeAgentsAndTenInJvmPoolsNeverShareAnAddress() throws Exception {
        List<Process> processes = new ArrayList<>();
        List<PoolNode> pools = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        try (ClusterStore store = EtcdStore.builder().endpoints(etcd.endpoint()).open()) {
            for (int i = 0; i < AGENTS; i++) {
                Path home = Files.createDirectories(dir.resolve("agent-" + i));
                Path socket = home.resolve("agent.sock");
                Process p = AgentProcess.start(home, socket, "local=10.9." + i + ".0/24", "--quarantine", "0",
                        "--cluster-pool", "cluster=" + CIDR, "--etcd-endpoints", etcd.endpoint(),
                        "--node-name", "agent-" + i);
                processes.add(p);
                nodes.add(new AgentNode("agent-" + i, socket, p));
            }
            BlockPoolConfig config = BlockPoolConfig.builder("cluster", CIDR).build();
            for (int i = 0; i < IN_JVM; i++) {
                Ipam ipam = Ipam.open(dir.resolve("jvm-" + i), List.of(config.enginePool()), InstantSource.system(),
                        IpamOptions.builder().quarantine(Duration.ZERO).build());
                NodeRegistration reg = new NodeRegistration(store, "jvm-" + i, config.nodeTtl(), InstantSource.system());
                BlockPool pool = new BlockPool(store, ipam, config, reg, InstantSource.system(), new SecureRandom());
                pool.recover();
                PoolNode n = new PoolNode("jvm-" + i, ipam, pool,
                        new BlockPoolLoop(reg, List.of(pool), Duration.ofMillis(100)).start());
                pools.add(n);
                nodes.add(n);
            }
            for (Node n : nodes) {
                if (n instanceof AgentNode a) {
                    try {
                        AgentProcess.awaitAnswer(a.socket(), a.process());
                    } catch (AssertionError e) {
                        throw new AssertionError(e.getMessage() + "; its log:\n"
                                + Files.readString(a.socket().resolveSibling("agent.log")), e);
                    }
                }
            }

            Map<String, String> live = new ConcurrentHashMap<>();
            Queue<String> duplicates = new ConcurrentLinkedQueue<>();
            List<Queue<String>> pods = new ArrayList<>();
            nodes.forEach(n -> pods.add(new ConcurrentLinkedQueue<>()));
            AtomicInteger ids = new AtomicInteger();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> fill = new ArrayList<>();
                for (int i = 0; i < nodes.size(); i++) {
                    int node = i;
                    for (int t = 0; t < 4; t++) {
                        fill.add(threads.submit(() -> {
                            for (int k = 0; k < PODS / 4; k++) {
                                add(nodes.get(node), pods.get(node), "c" + ids.incrementAndGet(), live, duplicates);
                            }
                            return null;
                        }));
                    }
                }
                for (Future<?> f : fill) {
                    f.get(120, TimeUnit.SECONDS);
                }
                List<Future<?>> churn = new ArrayList<>();
                AtomicInteger pairs = new AtomicInteger();
                for (int t = 0; t < 8; t++) {
                    churn.add(threads.submit(() -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (pairs.incrementAndGet() <= 300) {
                            int from = random.nextInt(nodes.size());
                            String gone = pods.get(from).poll();
                            if (gone != null) {
                                live.values().remove(gone);
                                nodes.get(from).del(gone);
                            }
                            int to = random.nextInt(nodes.size());
                            add(nodes.get(to), pods.get(to), "c" + ids.incrementAndGet(), live, duplicates);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : churn) {
                    f.get(120, TimeUnit.SECONDS);
                }
            }
            assertThat(duplicates).as("addresses handed to two live pods").isEmpty();

            Map<String, String> holderOf = holders(store);
            Set<String> all = new HashSet<>();
            int total = 0;
            for (Node n : nodes) {
                Set<String> mine = n.addresses();
                total += mine.size();
                all.addAll(mine);
                for (String a : mine) {
                    assertThat(holderOf.get(a)).as("%s of %s in the store", a, n.name()).isEqualTo(n.name());
                }
            }
            assertThat(total).isEqualTo(nodes.size() * PODS);
            assertThat(all).as("no address on two nodes").hasSize(total);
            assertThat(Files.readString(dir.resolve("agent-0").resolve("agent.log")))
                    .contains("serving pools [local, cluster (cluster pool " + CIDR + " in /26 blocks, node agent-0, "
                            + "store: etcd at " + etcd.endpoint() + ")]");
        } finally {
            for (Process p : processes) {
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            for (PoolNode p : pools) {
                p.loop().close();
                p.ipam().close();
            }
        }
    }

    /** With the embedded store, or with the API server's (fabric8's mock server, in a JVM of its own) and no etcd anywhere. */
    @ParameterizedTest
    @ValueSource(strings = {"--store-dir", "--kubeconfig"})
    void anAgentServesTheClusterPoolFromItsStoreAndKeepsItAcrossARestart(String storeFlag) throws Exception {
        String storeArg = storeFlag.equals("--store-dir") ? dir.resolve("store").toString()
                : KUBE.kubeconfig(dir).toString();
        AgentCommand command = new AgentCommand();
        new picocli.CommandLine(command).parseArgs("--socket", dir.resolve("a.sock").toString(), "--state-dir",
                dir.resolve("state").toString(), "--cluster-pool", "cluster=10.250.0.0/24", "--block-size", "27",
                storeFlag, storeArg, "--node-name", "solo", "--quarantine", "0");
        dev.podnet.agent.AgentConfig config = command.settings(Map.of());
        Path socket = config.socket();
        String first;
        try (dev.podnet.agent.Agent agent = dev.podnet.agent.Agent.start(config, InstantSource.system())) {
            AgentReply reply = AgentProcess.ask(socket, AgentRequest.add("c1", "eth0", "/n", null, List.of(), Map.of()));
            first = ((AgentReply.Success) reply).result().ips().getFirst().address();
            assertThat(first).startsWith("10.250.0.").endsWith("/24");
            AgentReply.PoolStatus counts = AgentProcess.status(socket).pools().getFirst();
            assertThat(counts.name()).isEqualTo("cluster");
            // What the node reserved (whole chunks of 8 of a /27; its loop may have reserved ahead), not the /24.
            assertThat(counts.total()).isIn(8L, 16L, 24L, 32L);
            assertThat(counts.used()).isEqualTo(1);
            assertThat(counts.free()).isEqualTo(counts.total() - 1);
        }
        try (dev.podnet.agent.Agent agent = dev.podnet.agent.Agent.start(config, InstantSource.system())) {
            AgentReply.Status status = AgentProcess.status(socket);
            assertThat(status.allocations()).extracting(AgentReply.Allocation::address).containsExactly(first);
            AgentReply.PoolStatus counts = status.pools().getFirst();
            assertThat(counts.used()).isEqualTo(1);
            assertThat(counts.free()).as("rebuilt from the holder bits").isEqualTo(counts.total() - 1).isPositive();
            AgentReply again = AgentProcess.ask(socket, AgentRequest.add("c2", "eth0", "/n", null, List.of(), Map.of()));
            assertThat(((AgentReply.Success) again).result().ips().getFirst().address()).isNotEqualTo(first);
        }
        try (ClusterStore store = config.cluster().orElseThrow().store().apply(InstantSource.system())) {
            assertThat(holders(store)).as("the node's blocks, in the store it was pointed at")
                    .containsEntry(address(first), "solo");
        }
    }

    @Test
    void clusterFlagsAreCheckedBeforeAnythingStarts() {
        settingsOf("--pool", "p=10.9.0.0/24", "--etcd-endpoints", "http://127.0.0.1:1")
                .isInstanceOf(dev.podnet.net.InvalidInputException.class).hasMessageContaining("need --cluster-pool");
        settingsOf("--cluster-pool", "c=10.244.0.0/16", "--node-name", "n1")
                .hasMessageContaining("--etcd-endpoints URL[,URL], --kubeconfig FILE (or set KUBECONFIG, or run in a "
                        + "pod), or --store-dir DIR");
        settingsOf("--cluster-pool", "c=10.244.0.0/16", "--node-name", "n1", "--store-dir", "/tmp/x", "--kubeconfig",
                "/tmp/kubeconfig")
                .hasMessage("give one cluster store: --etcd-endpoints, --kubeconfig or --store-dir, not several");
        settingsOf("--cluster-pool", "c=10.244.0.0/16", "--node-name", "n1", "--kubeconfig",
                dir.resolve("nowhere").toString())
                .hasMessageStartingWith("kubeconfig " + dir.resolve("nowhere"));
        settingsOf("--cluster-pool", "c=10.244.0.0/16", "--block-size", "19", "--store-dir", "/tmp/x", "--node-name", "n1")
                .hasMessageContaining("/20 to /30");
        settingsOf("--cluster-pool", "c=10.244.0.0/16", "--store-dir", "/tmp/x", "--node-name", "Node_A")
                .hasMessageContaining("--node-name");
    }

    /** What `podnet agent ARGS` refuses before it starts anything. */
    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> settingsOf(String... args) {
        AgentCommand command = new AgentCommand();
        new picocli.CommandLine(command).parseArgs(args);
        return org.assertj.core.api.Assertions.assertThatThrownBy(() -> command.settings(Map.of()));
    }

    private static void add(Node node, Queue<String> pods, String containerId, Map<String, String> live,
                            Queue<String> duplicates) throws IOException {
        String address = node.add(containerId);
        String before = live.putIfAbsent(address, containerId);
        if (before != null) {
            duplicates.add(address + " to " + containerId + " on " + node.name() + " while " + before + " holds it");
        }
        pods.add(containerId);
    }

    /** Every address of the store's blocks and its holder; fails if two holders share one. */
    private static Map<String, String> holders(ClusterStore store) throws IOException {
        Map<String, String> holderOf = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (KeyValue kv : store.range("/podnet/pools/cluster/blocks/").kvs()) {
            JsonNode block = json.readTree(kv.value());
            String cidr = block.get("cidr").asText();
            long base = ipv4(cidr.substring(0, cidr.indexOf('/')));
            for (var e : block.get("holders").properties()) {
                String hex = e.getValue().asText();
                for (int d = 0; d < hex.length(); d++) {
                    int v = Character.digit(hex.charAt(d), 16);
                    for (int b = 0; b < 4; b++) {
                        if ((v & (8 >> b)) != 0) {
                            String a = text(base + d * 4L + b);
                            assertThat(holderOf.put(a, e.getKey())).as("%s in two holders", a).isNull();
                        }
                    }
                }
            }
        }
        return holderOf;
    }

    private static long ipv4(String text) {
        long v = 0;
        for (String part : text.split("\\.")) {
            v = v << 8 | Integer.parseInt(part);
        }
        return v;
    }

    private static String text(long v) {
        return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
    }
}
