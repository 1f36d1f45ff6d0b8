package dev.podnet.ipam;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongUnaryOperator;

/**
 * {@link AllocatorBench}'s loops (the allocator and its bare BitSet + HashMap baseline) timed by CPU time instead
 * of wall time, in alternating rounds, median of the rounds. On a shared 2-core VM JMH's wall-clock rate moves by
 * more than most changes to the allocator; CPU time per pair moves much less, because time spent waiting for a
 * core is not counted. Two figures per loop: the loop thread's own CPU time, and the whole process's (which adds
 * the garbage collector's threads, so what a pair allocates is paid for too).
 *
 * <p>{@code --against JAR} adds a third loop: the same benchmark on the {@code podnet-ipam} classes of another
 * build (say, the last commit's jar), loaded in a class loader of its own, so a change is measured against what
 * it replaces in the same process, round by round.
 *
 * <p>{@code java -Xms1g -Xmx1g -cp 'bench/target/classes:bench/target/lib/*' dev.podnet.ipam.AllocatorCpuTime
 * [--against OLD_PODNET_IPAM_JAR] [random|fifo] [ROUNDS] [PAIRS_PER_ROUND]} (defaults: random, 11, 1,000,000).
 */
public final class AllocatorCpuTime {

    private static final int WARM_UP_ROUNDS = 3;

    private AllocatorCpuTime() {
    }

    /** One loop under test and what each of its rounds cost per pair. */
    private record Loop(String name, LongUnaryOperator pairs, double[] threadNanos, double[] processNanos,
                        double[] bytes) {
        Loop(String name, LongUnaryOperator pairs, int rounds) {
            this(name, pairs, new double[rounds], new double[rounds], new double[rounds]);
        }
    }

    /** Runs n allocate+release pairs of the allocator; returns a checksum so the work cannot be dropped. */
    public static LongUnaryOperator allocatorLoop(String order) {
        AllocatorBench bench = AllocatorBench.prepared(order);
        return n -> {
            long sum = 0;
            for (long i = 0; i < n; i++) {
                sum += bench.podnet() != null ? 1 : 0;
            }
            return sum;
        };
    }

    /** The same for the BitSet + HashMap baseline. */
    public static LongUnaryOperator baselineLoop(String order) {
        AllocatorBench bench = AllocatorBench.prepared(order);
        return n -> {
            long sum = 0;
            for (long i = 0; i < n; i++) {
                sum += bench.baseline();
            }
            return sum;
        };
    }

    public static void main(String[] args) throws ReflectiveOperationException, MalformedURLException {
        List<String> rest = new ArrayList<>(List.of(args));
        String against = null;
        if (!rest.isEmpty() && rest.getFirst().equals("--against")) {
            rest.removeFirst();
            against = rest.removeFirst();
        }
        String order = rest.size() > 0 ? rest.get(0) : "random";
        int rounds = rest.size() > 1 ? Integer.parseInt(rest.get(1)) : 11;
        int pairs = rest.size() > 2 ? Integer.parseInt(rest.get(2)) : 1_000_000;
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        // One bench state per loop: they share nothing, so taking turns changes none of them.
        List<Loop> loops = new ArrayList<>();
        loops.add(new Loop("BitSet + HashMap baseline", baselineLoop(order), rounds));
        loops.add(new Loop("AllocatorState", allocatorLoop(order), rounds));
        if (against != null) {
            loops.add(new Loop("AllocatorState, " + Path.of(against).getFileName(), olderAllocator(against, order),
                    rounds));
        }
        long sink = 0;
        for (int r = -WARM_UP_ROUNDS; r < rounds; r++) {
            for (Loop loop : loops) {
                long thread0 = threads.getCurrentThreadCpuTime();
                long process0 = os.getProcessCpuTime();
                long bytes0 = threads.getCurrentThreadAllocatedBytes();
                sink += loop.pairs().applyAsLong(pairs);
                if (r >= 0) {
                    loop.threadNanos()[r] = (threads.getCurrentThreadCpuTime() - thread0) / (double) pairs;
                    loop.processNanos()[r] = (os.getProcessCpuTime() - process0) / (double) pairs;
                    loop.bytes()[r] = (threads.getCurrentThreadAllocatedBytes() - bytes0) / (double) pairs;
                }
            }
        }

        System.out.printf(Locale.ROOT, "%s release, median of %d rounds of %,d pairs after %d warm-up rounds"
                + " (load average %s; checksum %d)%n", order, rounds, pairs, WARM_UP_ROUNDS, loadAverage(), sink);
        System.out.printf(Locale.ROOT, "  %-44s %19s %20s %11s %12s%n", "", "pairs/thread-CPU-s",
                "pairs/process-CPU-s", "bytes/pair", "vs baseline");
        Loop baseline = loops.getFirst();
        for (Loop loop : loops) {
            // Each round's ratio compares loops run back to back, so load that changes slowly cancels out.
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = baseline.threadNanos()[r] / loop.threadNanos()[r];
            }
            System.out.printf(Locale.ROOT, "  %-44s %,19.0f %,20.0f %11.1f %11.2fx%n", loop.name(),
                    1e9 / median(loop.threadNanos()), 1e9 / median(loop.processNanos()), median(loop.bytes()),
                    median(ratios));
        }
        System.out.println("  (vs baseline: the median of the rounds' ratios of thread CPU time per pair)");
    }

    /**
     * {@link #allocatorLoop} of the classpath with {@code podnet-ipam}'s jar replaced by {@code jar}; bench's own
     * classes are loaded again beside it, since {@link AllocatorBench} must share a package with the allocator.
     */
    private static LongUnaryOperator olderAllocator(String jar, String order)
            throws ReflectiveOperationException, MalformedURLException {
        List<URL> urls = new ArrayList<>();
        urls.add(Path.of(jar).toUri().toURL());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!Path.of(entry).getFileName().toString().startsWith("podnet-ipam-")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        @SuppressWarnings("resource") // lives as long as the process
        ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        return (LongUnaryOperator) loader.loadClass(AllocatorCpuTime.class.getName())
                .getMethod("allocatorLoop", String.class).invoke(null, order);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
