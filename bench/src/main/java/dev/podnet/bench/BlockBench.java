package dev.podnet.bench;

import dev.podnet.blocks.BlockPool;
import dev.podnet.blocks.BlockPoolConfig;
import dev.podnet.blocks.BlockPoolLoop;
import dev.podnet.blocks.NodeRegistration;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.EmbeddedStore;
import dev.podnet.store.etcd.EtcdStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Part 6: pod ADDs per second from a cluster pool (10.200.0.0/16, /26 blocks, chunks of 8) with 1 and 10 agents in
 * this JVM, each with its own IPAM engine journaling to /tmp, its own registration and BlockPool (and, for etcd, its
 * own client), 16 concurrent ADDs per agent. The stores: the embedded one (one instance shared, as on a single
 * machine) and a real etcd started here (Debian's /usr/bin/etcd on 127.0.0.1, random ports, data in /tmp). The ratio
 * is to the embedded store with the same number of agents. Node-local baseline: the same ADDs on the engine alone.
 */
public final class BlockBench {
    static final String CIDR = "10.200.0.0/16";
    static final int CLIENTS = 16;

    record Row(String store, int agents, int allocations, double seconds, long blocks) {
        double perSecond() {
            return allocations / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int perAgent = quick ? 160 : 2_000;
        Path tmp = Files.createTempDirectory("pnb-blocks");
        List<Row> rows = new ArrayList<>();
        for (int agents : List.of(1, 10)) {
            rows.add(engineAlone(tmp.resolve("engine-" + agents), agents, perAgent));
            try (EmbeddedStore store = EmbeddedStore.open(tmp.resolve("store-" + agents), InstantSource.system())) {
                rows.add(run("embedded", agents, perAgent, tmp.resolve("embedded-" + agents), i -> store, false));
            }
        }
        Optional<Etcd> etcd = Etcd.start(tmp.resolve("etcd"));
        if (etcd.isPresent()) {
            try (Etcd e = etcd.get()) {
                for (int agents : List.of(1, 10)) {
                    rows.add(run("etcd", agents, perAgent, tmp.resolve("etcd-" + agents),
                            i -> EtcdStore.builder().endpoints(e.endpoint()).namespace("/bench" + agents).open(), true));
                }
            }
        }
        print(rows, perAgent, etcd.isPresent());
        printPoolSizes(tmp);
    }

    /**
     * The same 200 ADDs from one agent on a /24 and on a /10 (an IPPool of 4 million addresses): blocks are claimed
     * where they are needed, so the pool's size must not show (Spiderpool's CRD-status IPAM slowed down on large
     * pools: spidernet-io/spiderpool#437).
     */
    static void printPoolSizes(Path tmp) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String cidr : List.of("10.210.0.0/24", "100.64.0.0/10", "10.210.0.0/24", "100.64.0.0/10")) {
            try (EmbeddedStore store = EmbeddedStore.open(tmp.resolve("size-store-" + rows.size()),
                    InstantSource.system())) {
                rows.add(run(cidr, cidr, 1, 200, tmp.resolve("size-" + rows.size()), i -> store, false));
            }
        }
        System.out.printf("%nPool size: 200 ADDs from one agent, embedded store, runs interleaved%n%n");
        System.out.println("| pool | ADDs/s (run 1) | ADDs/s (run 2) | vs /24 |");
        System.out.println("|---|---:|---:|---:|");
        for (int i = 0; i < 2; i++) {
            Row a = rows.get(i);
            Row b = rows.get(i + 2);
            double best = Math.max(a.perSecond(), b.perSecond());
            double base = Math.max(rows.get(0).perSecond(), rows.get(2).perSecond());
            System.out.printf("| %s | %,.0f | %,.0f | %.2fx |%n", a.store(), a.perSecond(), b.perSecond(), best / base);
        }
    }

    interface StoreFor {
        ClusterStore open(int agent);
    }

    static Row run(String name, int agents, int perAgent, Path dir, StoreFor stores, boolean ownStores)
            throws Exception {
        return run(name, CIDR, agents, perAgent, dir, stores, ownStores);
    }

    static Row run(String name, String cidr, int agents, int perAgent, Path dir, StoreFor stores, boolean ownStores)
            throws Exception {
        BlockPoolConfig config = BlockPoolConfig.builder("bench", cidr).build();
        List<Agent> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < agents; i++) {
                ClusterStore store = stores.open(i);
                Ipam ipam = Ipam.open(dir.resolve("node-" + i), List.of(config.enginePool()), InstantSource.system(),
                        IpamOptions.builder().quarantine(Duration.ZERO).build());
                NodeRegistration reg = new NodeRegistration(store, "bench-node-" + i, config.nodeTtl(),
                        InstantSource.system());
                BlockPool pool = new BlockPool(store, ipam, config, reg, InstantSource.system(), new SecureRandom());
                pool.recover();
                nodes.add(new Agent(ipam, pool, new BlockPoolLoop(reg, List.of(pool), Duration.ofMillis(200)).start(),
                        ownStores ? store : null));
            }
            allocate(nodes, 20, "warm-up");
            nodes.forEach(Agent::releaseAll);
            long start = System.nanoTime();
            allocate(nodes, perAgent, "run");
            double seconds = (System.nanoTime() - start) / 1e9;
            long blocks = nodes.stream().mapToLong(n -> n.pool.stats().blocks() + n.pool.stats().borrowing()).sum();
            return new Row(name, agents, agents * perAgent, seconds, blocks);
        } finally {
            nodes.forEach(Agent::close);
        }
    }

    /** The same ADDs on engines alone (a node-local pool): what the cluster pool costs on top. */
    static Row engineAlone(Path dir, int agents, int perAgent) throws Exception {
        BlockPoolConfig config = BlockPoolConfig.builder("bench", CIDR).build();
        List<Ipam> engines = new ArrayList<>();
        try {
            for (int i = 0; i < agents; i++) {
                engines.add(Ipam.open(dir.resolve("node-" + i), List.of(config.enginePool()), InstantSource.system(),
                        IpamOptions.builder().quarantine(Duration.ZERO).build()));
            }
            long start = System.nanoTime();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> all = new ArrayList<>();
                for (int i = 0; i < agents; i++) {
                    Ipam ipam = engines.get(i);
                    int node = i;
                    for (int c = 0; c < CLIENTS; c++) {
                        int client = c;
                        all.add(threads.submit(() -> {
                            for (int k = client; k < perAgent; k += CLIENTS) {
                                ipam.allocate(dev.podnet.ipam.AllocationRequest.of(
                                        AttachmentKey.of("e" + node + "-" + k, "eth0"), "bench"));
                            }
                            return null;
                        }));
                    }
                }
                for (Future<?> f : all) {
                    f.get(10, TimeUnit.MINUTES);
                }
            }
            return new Row("engine alone (node-local pool)", agents, agents * perAgent,
                    (System.nanoTime() - start) / 1e9, 0);
        } finally {
            engines.forEach(Ipam::close);
        }
    }

    static void allocate(List<Agent> nodes, int perAgent, String tag) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (Agent n : nodes) {
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    all.add(threads.submit(() -> {
                        for (int k = client; k < perAgent; k += CLIENTS) {
                            Allocation a = n.pool.allocate(AttachmentKey.of(tag + "-" + k, "eth0"), List.of());
                            n.pods.add(a.key());
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : all) {
                f.get(10, TimeUnit.MINUTES);
            }
        }
    }

    static void print(List<Row> rows, int perAgent, boolean etcd) {
        System.out.printf("%n6. Cluster pool: pod ADDs/s, %s in /26 blocks, %d ADDs per agent from %d concurrent clients"
                + " each (agents in one JVM, each with its own journal)%n%n", CIDR, perAgent, CLIENTS);
        System.out.println("| store | agents | ADDs | seconds | ADDs/s | blocks used | vs embedded store | vs engine alone |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            Row embedded = rows.stream().filter(x -> x.store().equals("embedded") && x.agents() == r.agents())
                    .findFirst().orElse(r);
            Row engine = rows.stream().filter(x -> x.store().startsWith("engine") && x.agents() == r.agents())
                    .findFirst().orElse(r);
            System.out.printf("| %s | %d | %d | %.2f | %,.0f | %d | %.2fx | %.2fx |%n", r.store(), r.agents(),
                    r.allocations(), r.seconds(), r.perSecond(), r.blocks(), r.perSecond() / embedded.perSecond(),
                    r.perSecond() / engine.perSecond());
        }
        if (!etcd) {
            System.out.println("(etcd rows skipped: /usr/bin/etcd is not installed; apt-get install etcd-server)");
        }
        rows.stream().filter(r -> r.store().equals("etcd") && r.agents() == 10).findFirst().ifPresent(r ->
                System.out.printf("%ngoal: >= 1,000 ADDs/s through etcd with 10 agents: %s (%,.0f/s)%n",
                        r.perSecond() >= 1000 ? "met" : "NOT met", r.perSecond()));
    }

    /** One agent in the bench: its engine, pool, loop and (for etcd) its own client. */
    record Agent(Ipam ipam, BlockPool pool, BlockPoolLoop loop, ClusterStore ownStore,
                 java.util.Queue<AttachmentKey> pods) implements AutoCloseable {
        Agent(Ipam ipam, BlockPool pool, BlockPoolLoop loop, ClusterStore ownStore) {
            this(ipam, pool, loop, ownStore, new java.util.concurrent.ConcurrentLinkedQueue<>());
        }

        void releaseAll() {
            for (AttachmentKey k = pods.poll(); k != null; k = pods.poll()) {
                pool.release(k);
            }
        }

        @Override
        public void close() {
            loop.close();
            ipam.close();
            if (ownStore != null) {
                ownStore.close();
            }
        }
    }

    /** Debian's etcd on 127.0.0.1 with random ports and its data in {@code dir}; killed on close. */
    record Etcd(Process process, String endpoint) implements AutoCloseable {
        static Optional<Etcd> start(Path dir) throws IOException, InterruptedException {
            Path binary = Path.of("/usr/bin/etcd");
            if (!Files.isExecutable(binary)) {
                return Optional.empty();
            }
            Files.createDirectories(dir);
            String client = "http://127.0.0.1:" + freePort();
            String peer = "http://127.0.0.1:" + freePort();
            ProcessBuilder b = new ProcessBuilder(binary.toString(), "--name", "bench", "--data-dir",
                    dir.resolve("data").toString(), "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster",
                    "bench=" + peer, "--log-outputs", "stderr")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile());
            b.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
            Etcd etcd = new Etcd(b.start(), client);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            try (ClusterStore probe = EtcdStore.builder().endpoints(client).open()) {
                while (true) {
                    try {
                        probe.get("/ready");
                        return Optional.of(etcd);
                    } catch (RuntimeException e) {
                        if (System.nanoTime() > deadline || !etcd.process().isAlive()) {
                            etcd.close();
                            throw new IOException("etcd did not answer within 30 s; see " + dir.resolve("etcd.log"), e);
                        }
                        Thread.sleep(100);
                    }
                }
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
