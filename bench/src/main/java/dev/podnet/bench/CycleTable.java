package dev.podnet.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ADD and DEL times of each subject, kept by container, so that each ADD pairs with its own DEL: a pod costs a
 * runtime one of each, and the cycle is what one pod's life costs. One row per subject, against the first subject
 * (the baseline, host-local): the percentiles of each command, the cycle as the sum of the two p50s, and the cycle
 * as measured pairs (an ADD's time plus its DEL's, then the percentiles).
 */
final class CycleTable {
    private final int n;
    private final Map<String, long[]> adds = new LinkedHashMap<>();
    private final Map<String, long[]> dels = new LinkedHashMap<>();
    private final Map<String, AtomicLong> failures = new LinkedHashMap<>();

    CycleTable(List<String> subjects, int n) {
        this.n = n;
        for (String s : subjects) {
            adds.put(s, new long[n]);
            dels.put(s, new long[n]);
            failures.put(s, new AtomicLong());
        }
    }

    void add(String subject, int container, long nanos) {
        adds.get(subject)[container] = nanos;
    }

    void del(String subject, int container, long nanos) {
        dels.get(subject)[container] = nanos;
    }

    AtomicLong failures(String subject) {
        return failures.get(subject);
    }

    Latencies adds(String subject) {
        return latencies(adds.get(subject), null);
    }

    Latencies dels(String subject) {
        return latencies(dels.get(subject), null);
    }

    Latencies cycles(String subject) {
        return latencies(adds.get(subject), dels.get(subject));
    }

    /** The sum of the ADD and DEL p50s. */
    long cycleOfMedians(String subject) {
        return adds(subject).p50() + dels(subject).p50();
    }

    private Latencies latencies(long[] a, long[] b) {
        Latencies l = new Latencies();
        for (int i = 0; i < n; i++) {
            l.add(a[i] + (b == null ? 0 : b[i]));
        }
        return l;
    }

    void print(String label) {
        String baseline = adds.keySet().iterator().next();
        long baseMedians = cycleOfMedians(baseline);
        long basePairs = cycles(baseline).p50();
        String row = "  %-36s %9s %9s %9s %9s | %10s %7s | %10s %10s %7s%n";
        System.out.printf(Locale.ROOT, row, label + " (ms)", "ADD p50", "ADD p99", "DEL p50", "DEL p99",
                "ADD+DEL", "vs h-l", "pairs p50", "pairs p99", "vs h-l");
        System.out.printf(Locale.ROOT, row, "", "", "", "", "", "p50+p50", "", "", "", "");
        for (String s : adds.keySet()) {
            Latencies add = adds(s);
            Latencies del = dels(s);
            Latencies pairs = cycles(s);
            System.out.printf(Locale.ROOT, row, s, ms(add.p50()), ms(add.p99()), ms(del.p50()), ms(del.p99()),
                    ms(cycleOfMedians(s)), Latencies.ratio(cycleOfMedians(s), baseMedians),
                    ms(pairs.p50()), ms(pairs.p99()), Latencies.ratio(pairs.p50(), basePairs));
        }
        failures.forEach((s, count) -> {
            if (count.get() > 0) {
                System.out.println("  FAILURES " + s + ": " + count.get());
            }
        });
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
