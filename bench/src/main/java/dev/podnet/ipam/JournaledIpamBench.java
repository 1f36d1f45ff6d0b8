package dev.podnet.ipam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The public {@link Ipam} facade with its journal: every allocate and every release is forced to disk (fdatasync)
 * before it returns, and concurrent callers share forces (group commit). The /16 is filled half full before
 * measuring; each operation allocates for a new attachment and releases it again, so the pool stays half full.
 * The state directory is under {@code java.io.tmpdir}, which must be a real disk for the numbers to mean anything.
 * The disk's own floor is measured outside JMH, interleaved with the engine, because a shared VM's fsync time
 * drifts by several times within a minute (see {@code dev.podnet.bench.FsyncFloor}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class JournaledIpamBench {

    static final String POOL = "bench";

    /** One engine shared by every benchmark thread, half full. */
    @State(Scope.Benchmark)
    public static class Engine {
        Path dir;
        Ipam ipam;

        String label;

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) throws Exception {
            String name = params.getBenchmark();
            label = name.substring(name.lastIndexOf('.') + 1) + ", " + params.getThreads() + " thread(s)";
            dir = Files.createTempDirectory("podnet-bench-journal");
            ipam = openHalfFull(dir);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            JournalStats stats = ipam.journalStats();
            ipam.close();
            // The forked JVM's stdout reaches bench/run's output: what group commit did, prefill included.
            System.out.printf("%n  [journal of %s, prefill included] records=%d fsyncs=%d records/fsync=%.1f"
                            + " compactions=%d%n", label, stats.records(), stats.fsyncs(),
                    (double) stats.records() / Math.max(1, stats.fsyncs()), stats.compactions());
            delete(dir);
        }
    }

    /** Each benchmark thread's own attachments, so threads never contend on a key. */
    @State(Scope.Thread)
    public static class Client {
        String prefix;
        long next;

        @Setup(Level.Trial)
        public void setUp(ThreadParams params) {
            prefix = "t" + params.getThreadIndex() + "n";
        }

        AttachmentKey nextKey() {
            return AttachmentKey.of(prefix + next++, "eth0");
        }
    }

    /** An engine on {@code dir} with quarantine zero, its /16 filled half full. */
    public static Ipam openHalfFull(Path dir) throws InterruptedException {
        Ipam ipam = Ipam.open(dir, List.of(Pool.of(POOL, IpRange.of(AllocatorBench.SUBNET))), InstantSource.system(),
                IpamOptions.builder().quarantine(Duration.ZERO).build());
        // Filling one at a time would take one fsync each; many callers at once share them.
        int writers = 512;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int first = w;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = first; i < AllocatorBench.HELD; i += writers) {
                    ipam.allocate(AllocationRequest.of(AttachmentKey.of("p" + i, "eth0"), POOL));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return ipam;
    }

    /** Allocates for a new attachment and releases it: one pair, two journal records, each forced. */
    public static Object allocateRelease(Ipam ipam, AttachmentKey key) {
        Allocation a = ipam.allocate(AllocationRequest.of(key, POOL));
        ipam.release(key);
        return a;
    }

    private static Object allocateRelease(Engine engine, Client client) {
        return allocateRelease(engine.ipam, client.nextKey());
    }

    /** One caller: every allocate and every release waits for its own fsync. */
    @Benchmark
    @Threads(1)
    public Object journaled1(Engine engine, Client client) {
        return allocateRelease(engine, client);
    }

    /** 64 callers at once (a burst of pod starts): forces are shared. */
    @Benchmark
    @Threads(64)
    public Object journaled64(Engine engine, Client client) {
        return allocateRelease(engine, client);
    }

    public static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
