package dev.podnet.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.store.ClusterStore;
import inet.ipaddr.IPAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten nodes in one JVM, each with its own IPAM engine and BlockPool, sharing one store: 2,000 ADD and DEL from
 * virtual threads while every node's maintenance loop runs, on a /22 of /26 blocks (16 blocks for 10 nodes of ~70
 * pods each), so nodes claim, fill, borrow, give back and release blocks concurrently. No address may ever be held
 * by two live pods, and at the end every address must be accounted for.
 */
abstract class ConcurrencyContract {
    static final int NODES = 10;
    static final int PODS_PER_NODE = 70;
    static final int OPS = 2_000;

    @TempDir
    Path dir;

    /** A fresh, empty store. */
    protected abstract ClusterStore store(Path dir);

    protected abstract InstantSource clock();

    @Test
    void tenNodesNeverHandOutOneAddressTwice() throws Exception {
        BlockPoolConfig config = BlockPoolConfig.builder("cluster", "10.244.0.0/22").build();
        List<TestNode> nodes = new ArrayList<>();
        List<BlockPoolLoop> loops = new ArrayList<>();
        try (ClusterStore store = store(dir.resolve("store"))) {
            for (int i = 0; i < NODES; i++) {
                TestNode n = new TestNode("node-" + i, dir.resolve("node-" + i), store, config, clock(), Duration.ZERO);
                nodes.add(n);
                loops.add(new BlockPoolLoop(n.registration, List.of(n.pool), Duration.ofMillis(20)).start());
            }
            Map<IPAddress, AttachmentKey> live = new ConcurrentHashMap<>();
            List<Queue<AttachmentKey>> pods = new ArrayList<>();
            nodes.forEach(n -> pods.add(new ConcurrentLinkedQueue<>()));
            Queue<String> duplicates = new ConcurrentLinkedQueue<>();
            AtomicInteger ops = new AtomicInteger();

            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                // Fill: every node to ~70 pods, more than one block each, so that some must borrow.
                List<Future<?>> fill = new ArrayList<>();
                for (int i = 0; i < NODES; i++) {
                    int node = i;
                    for (int t = 0; t < 5; t++) {
                        fill.add(threads.submit(() -> {
                            for (int k = 0; k < PODS_PER_NODE / 5; k++) {
                                add(nodes.get(node), pods.get(node), live, duplicates);
                                ops.incrementAndGet();
                            }
                            return null;
                        }));
                    }
                }
                for (Future<?> f : fill) {
                    f.get(60, TimeUnit.SECONDS);
                }
                // Churn: a pod leaves one node and a new one starts on another, until 2,000 operations in all.
                List<Future<?>> churn = new ArrayList<>();
                for (int t = 0; t < 20; t++) {
                    churn.add(threads.submit(() -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (ops.addAndGet(2) <= OPS) {
                            int from = random.nextInt(NODES);
                            AttachmentKey gone = pods.get(from).poll();
                            if (gone != null) {
                                TestNode n = nodes.get(from);
                                n.ipam.find(gone).ifPresent(a -> live.remove(a.addresses().getFirst().address()));
                                assertThat(n.pool.release(gone)).isPresent();
                            }
                            int to = random.nextInt(NODES);
                            add(nodes.get(to), pods.get(to), live, duplicates);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : churn) {
                    f.get(120, TimeUnit.SECONDS);
                }
            }
            loops.forEach(BlockPoolLoop::close);

            assertThat(duplicates).as("addresses handed to two live pods").isEmpty();
            assertThat(nodes.stream().mapToInt(n -> n.podAddresses().size()).sum()).isEqualTo(NODES * PODS_PER_NODE);
            assertThat(nodes.stream().mapToLong(n -> n.pool.stats().borrowedTotal()).sum()).as("borrowing happened")
                    .isPositive();
            Invariants.check(store, config, nodes);
        } finally {
            loops.forEach(BlockPoolLoop::close);
            nodes.forEach(TestNode::close);
        }
    }

    private static void add(TestNode node, Queue<AttachmentKey> pods, Map<IPAddress, AttachmentKey> live,
                            Queue<String> duplicates) {
        Allocation a = node.add();
        IPAddress address = a.addresses().getFirst().address();
        AttachmentKey before = live.putIfAbsent(address, a.key());
        if (before != null) {
            duplicates.add(address + " to " + a.key() + " while " + before + " holds it");
        }
        pods.add(a.key());
    }
}
