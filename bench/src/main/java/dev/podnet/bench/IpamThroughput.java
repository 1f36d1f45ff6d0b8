package dev.podnet.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Part 1 of bench/run: runs the JMH benchmarks {@code AllocatorBench} and {@code JournaledIpamBench}, writes JMH's
 * own log to a file, and prints allocate+release pairs per second with their ratios to the goal and to the
 * baselines measured in the same run (a bare BitSet allocator in JMH; the disk's fsync floor in
 * {@link FsyncFloor}, interleaved with the engine).
 * Arguments: {@code LOGFILE [--quick]} (quick: one short iteration each, to check the wiring).
 */
public final class IpamThroughput {
    static final double GOAL = 1_000_000;

    private IpamThroughput() {
    }

    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        Path log = Path.of(args.length > 0 ? args[0] : "jmh.log");
        boolean quick = List.of(args).contains("--quick");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("dev\\.podnet\\.ipam\\.AllocatorBench\\.")
                .include("dev\\.podnet\\.ipam\\.JournaledIpamBench\\.")
                .output(log.toString());
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(500));
        }
        System.out.println("IPAM allocate+release pairs per second on 10.7.0.0/16, half full (JMH, 1 fork"
                + (quick ? ", QUICK" : "") + "; JMH log: " + log + ")");
        Collection<RunResult> results = new Runner(options.build()).run();

        double fifo = score(results, "AllocatorBench.podnet", "fifo");
        double fifoBase = score(results, "AllocatorBench.baseline", "fifo");
        double random = score(results, "AllocatorBench.podnet", "random");
        double randomBase = score(results, "AllocatorBench.baseline", "random");
        double j1 = score(results, "JournaledIpamBench.journaled1", null);
        double j64 = score(results, "JournaledIpamBench.journaled64", null);
        FsyncFloor.Result floor = FsyncFloor.measure(quick ? 2 : 8, quick ? 250 : 500);

        System.out.println();
        System.out.printf(Locale.ROOT, "  %-44s %14s %10s %12s%n", "", "pairs/s", "vs goal", "vs baseline");
        row("in memory, FIFO release (AllocatorState)", fifo, ratio(fifo, GOAL), ratio(fifo, fifoBase));
        row("  baseline: BitSet + HashMap, FIFO", fifoBase, "", "");
        row("in memory, random release (AllocatorState)", random, ratio(random, GOAL), ratio(random, randomBase));
        row("  baseline: BitSet + HashMap, random", randomBase, "", "");
        row("journaled Ipam, 1 thread (fsync each change)", j1, ratio(j1, GOAL), "");
        row("journaled Ipam, 64 threads (group commit)", j64, ratio(j64, GOAL), ratio(j64, j1) + " of 1 thr");
        row("journaled Ipam, 1 thread, interleaved slices", floor.ipamMedian(), ratio(floor.ipamMedian(), GOAL),
                ratio(floor.ipamMedian(), floor.floorMedian()));
        row("  baseline: 2 x (append + fdatasync), 1 thread", floor.floorMedian(), "", "");
        System.out.println("  (interleaved: median of " + floor.ipam().length + " alternating slices; engine "
                + rates(floor.ipam()) + ", floor " + rates(floor.floor()) + ")");
        System.out.printf(Locale.ROOT, "  goal: >= %,.0f pairs/s in memory; met: %s%n", GOAL,
                Math.min(fifo, random) >= GOAL ? "yes" : "NO");
    }

    private static String rates(double[] values) {
        StringBuilder b = new StringBuilder("[");
        for (double v : values) {
            b.append(b.length() > 1 ? " " : "").append(String.format(Locale.ROOT, "%.0f", v));
        }
        return b.append("]").toString();
    }

    private static void row(String what, double score, String vsGoal, String vsBase) {
        System.out.printf(Locale.ROOT, "  %-44s %,14.0f %10s %12s%n", what, score, vsGoal, vsBase);
    }

    private static String ratio(double a, double b) {
        return Latencies.ratio(a, b);
    }

    private static double score(Collection<RunResult> results, String benchmark, String release) {
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            if (name.endsWith(benchmark) && (release == null || release.equals(r.getParams().getParam("release")))) {
                return r.getPrimaryResult().getScore();
            }
        }
        return Double.NaN;
    }
}
