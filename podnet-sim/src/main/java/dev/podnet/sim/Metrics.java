package dev.podnet.sim;

import dev.podnet.cloud.sim.CallLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/** Collects one run's numbers from the start of the measured part on; {@link #result} sums them up. */
final class Metrics {
    private final long from;
    private final CallLog calls;
    private long[] waits = new long[1024];
    private int waitCount;
    private long started;
    private long rejected;
    private long callsAtStart;
    private long throttledAtStart;
    private final Map<String, Long> failures = new TreeMap<>();
    private final List<RunResult.Sample> samples = new ArrayList<>();
    private double heldSum;
    private double runningSum;
    private final List<Double> ratios = new ArrayList<>();
    private double peakSubnet;
    private long peakSubnetAddresses;

    Metrics(long from, CallLog calls) {
        this.from = from;
        this.calls = calls;
    }

    /** The measured part begins: EC2 calls count from here. */
    void begin() {
        callsAtStart = calls.total();
        throttledAtStart = calls.throttled();
    }

    void started(long since, long now) {
        if (since < from) {
            return;
        }
        started++;
        if (now > since) {
            if (waitCount == waits.length) {
                waits = Arrays.copyOf(waits, waitCount * 2);
            }
            waits[waitCount++] = now - since;
        }
    }

    void rejected(long now) {
        if (now >= from) {
            rejected++;
        }
    }

    void failed(String code, long now) {
        if (now >= from) {
            failures.merge(code, 1L, Long::sum);
        }
    }

    void sample(long now, long running, long pending, long held, long free, double subnetUsed, long subnetAddresses) {
        samples.add(new RunResult.Sample((now - from) / 1000.0, running, pending, held, free,
                calls.total() - callsAtStart, calls.throttled() - throttledAtStart, subnetUsed, waitCount));
        if (running > 0) {
            heldSum += held;
            runningSum += running;
            ratios.add((double) held / running);
        }
        if (subnetUsed > peakSubnet) {
            peakSubnet = subnetUsed;
            peakSubnetAddresses = subnetAddresses;
        }
    }

    RunResult result(String name, List<Batch> batches, long end, List<String> violations) {
        long[] sorted = Arrays.copyOf(waits, waitCount);
        Arrays.sort(sorted);
        double[] r = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        OptionalDouble scaleUp = batches.stream().filter(b -> b.start >= from)
                .mapToLong(b -> (b.doneAt >= 0 ? b.doneAt : end) - b.start).max().stream()
                .mapToDouble(ms -> ms / 1000.0).findFirst();
        double meanRunning = samples.isEmpty() ? 0 : samples.stream().mapToLong(RunResult.Sample::running).average().orElse(0);
        return new RunResult(name, runningSum == 0 ? 0 : heldSum / runningSum, percentile(r, 0.95), waitCount,
                percentile(sorted, 0.50) / 1000.0, percentile(sorted, 0.99) / 1000.0,
                calls.total() - callsAtStart, calls.throttled() - throttledAtStart, peakSubnet, peakSubnetAddresses,
                scaleUp, meanRunning, started, rejected, failures,
                violations, List.of(), samples, 0, 0);
    }

    private static double percentile(double[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
    }
}
