package dev.podnet.bench;

import java.util.Arrays;
import java.util.Locale;

/** Samples of one measured thing, in nanoseconds, with the percentiles the reports print. */
final class Latencies {
    private long[] nanos = new long[256];
    private int count;

    synchronized void add(long sample) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = sample;
    }

    synchronized long sum() {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += nanos[i];
        }
        return total;
    }

    synchronized int count() {
        return count;
    }

    /** The nearest-rank percentile, {@code p} in 0..100. */
    synchronized long percentile(double p) {
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))];
    }

    long p50() {
        return percentile(50);
    }

    long p99() {
        return percentile(99);
    }

    long max() {
        return percentile(100);
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    static String ratio(double a, double b) {
        return b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", a / b);
    }
}
