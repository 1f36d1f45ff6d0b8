package dev.podnet.cloud.sim;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the emulator was asked and how it answered: a count per EC2 action and outcome, where the outcome is the
 * error code or {@link #OK}. Tests use it to check that a controller backs off, batches, or stops calling.
 */
public final class CallLog {

    /** The outcome recorded for a call that succeeded. */
    public static final String OK = "ok";

    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

    CallLog() {
    }

    void record(String action, String outcome) {
        counts.computeIfAbsent(action, a -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    /** Calls of {@code action} that ended with {@code outcome} (an error code or {@link #OK}). */
    public long count(String action, String outcome) {
        Map<String, LongAdder> byOutcome = counts.get(action);
        LongAdder n = byOutcome == null ? null : byOutcome.get(outcome);
        return n == null ? 0 : n.sum();
    }

    /** Calls of {@code action}, whatever their outcome. */
    public long count(String action) {
        Map<String, LongAdder> byOutcome = counts.get(action);
        return byOutcome == null ? 0 : byOutcome.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Calls of every action. */
    public long total() {
        return counts.keySet().stream().mapToLong(this::count).sum();
    }

    /** Calls of every action that were refused with RequestLimitExceeded (throttled or injected). */
    public long throttled() {
        return counts.keySet().stream().mapToLong(a -> count(a, "RequestLimitExceeded")).sum();
    }

    /** A sorted copy: action -> outcome -> count. */
    public Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        counts.forEach((action, byOutcome) -> {
            Map<String, Long> outcomes = new TreeMap<>();
            byOutcome.forEach((outcome, n) -> outcomes.put(outcome, n.sum()));
            copy.put(action, outcomes);
        });
        return copy;
    }

    public void clear() {
        counts.clear();
    }

    @Override
    public String toString() {
        return "CallLog" + snapshot();
    }
}
