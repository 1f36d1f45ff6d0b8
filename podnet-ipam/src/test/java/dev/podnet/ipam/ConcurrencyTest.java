package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {

    static final List<Pool> POOLS = List.of(Pool.of("ds", IpRange.of("10.0.0.0/22"), IpRange.of("fd00::/118")));
    static final int THREADS = 200;

    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock();

    /** Starts THREADS threads that each allocate one key, all released at once by a latch. */
    static List<Allocation> allocateConcurrently(Ipam ipam, String prefix) throws InterruptedException {
        ConcurrentLinkedQueue<Allocation> results = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            AttachmentKey key = AttachmentKey.of(prefix + i, "eth0");
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    results.add(ipam.allocate(AllocationRequest.of(key, "ds")));
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(30));
        }
        assertThat(failures).isEmpty();
        return List.copyOf(results);
    }

    @Test
    void twoHundredThreadsGetUniqueAddressesThatAllSurviveAReopenAndShareFsyncs() throws Exception {
        Set<String> v4 = new HashSet<>();
        Set<String> v6 = new HashSet<>();
        try (Ipam ipam = Ipam.open(dir, POOLS, clock, IpamOptions.defaults())) {
            long before = ipam.journalStats().fsyncs();
            List<Allocation> results = allocateConcurrently(ipam, "pod");
            long fsyncs = ipam.journalStats().fsyncs() - before;
            assertThat(results).hasSize(THREADS);
            for (Allocation a : results) {
                v4.add(a.addresses().get(0).address().toString());
                v6.add(a.addresses().get(1).address().toString());
            }
            assertThat(v4).hasSize(THREADS);
            assertThat(v6).hasSize(THREADS);
            System.out.printf("%d concurrent allocations from %d threads: %d journal fsyncs (%.1f records per fsync)%n",
                    THREADS, THREADS, fsyncs, (double) THREADS / fsyncs);
            assertThat(fsyncs).isLessThan(THREADS / 2);
            assertThat(ipam.journalStats().records()).isEqualTo(THREADS);
            ipam.crash();   // every answer given must already be on disk
        }
        try (Ipam reopened = Ipam.open(dir, POOLS, clock, IpamOptions.defaults())) {
            List<Allocation> all = reopened.allocations();
            assertThat(all).hasSize(THREADS);
            assertThat(all).extracting(a -> a.addresses().get(0).address().toString()).containsExactlyInAnyOrderElementsOf(v4);
            assertThat(all).extracting(a -> a.addresses().get(1).address().toString()).containsExactlyInAnyOrderElementsOf(v6);
        }
    }

    @Test
    void virtualThreadsMixingAddReleaseAndStatusKeepTheInvariants() throws Exception {
        try (Ipam ipam = Ipam.open(dir, POOLS, clock, IpamOptions.builder().quarantine(Duration.ZERO).build())) {
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 50; t++) {
                int id = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < 20; i++) {
                            AttachmentKey key = AttachmentKey.of("w" + id + "-" + i, "eth0");
                            Allocation a = ipam.allocate(AllocationRequest.of(key, "ds"));
                            assertThat(ipam.allocate(AllocationRequest.of(key, "ds"))).isEqualTo(a);
                            if (i % 2 == 0) {
                                assertThat(ipam.release(key)).contains(a);
                            }
                            ipam.status();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(60));
            }
            assertThat(failures).isEmpty();
            List<Allocation> all = ipam.allocations();
            assertThat(all).hasSize(500);
            assertThat(all.stream().map(a -> a.addresses().getFirst().address()).distinct()).hasSize(500);
            assertThat(ipam.status().pools().getFirst().ipv4().used()).isEqualTo(500);
        }
    }
}
