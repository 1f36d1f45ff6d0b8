package dev.podnet.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results of the policies' runs as a text table, JSON, or one CSV time series per policy. */
public final class SimulationReport {
    private SimulationReport() {
    }

    public static String text(Scenario scenario, List<RunResult> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: %s measured%s, seed %d, %d node groups%n%n", scenario.source(),
                human(scenario.duration()), scenario.warmup().isZero() ? "" : " after a " + human(scenario.warmup()) + " warmup",
                scenario.seed(), scenario.nodeGroups().size()));
        int width = Math.max(6, results.stream().mapToInt(r -> r.name().length()).max().orElse(6));
        String header = "%-" + width + "s %9s %9s %8s %8s %8s %9s %9s %9s %10s %7s%n";
        out.append(String.format(Locale.ROOT, header, "POLICY", "HELD/POD", "P95", "COLD", "WAIT P50", "WAIT P99",
                "EC2 CALLS", "THROTTLED", "SUBNET", "SCALE-UP", "WALL"));
        for (RunResult r : results) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s %9.2f %9.2f %8d %7.1fs %7.1fs %9d %9d %8.1f%% %10s %6.1fs%n",
                    r.name(), r.heldPerRunningPod(), r.heldPerRunningPodP95(), r.coldStarts(), r.waitP50Seconds(),
                    r.waitP99Seconds(), r.ec2Calls(), r.throttledCalls(), 100 * r.peakSubnetUsed(),
                    scaleUp(r), r.wallSeconds()));
        }
        notes(results).forEach(n -> out.append(n).append('\n'));
        return out.toString();
    }

    /** What the table cannot show: EC2's refusals other than throttling, then every broken invariant. */
    static List<String> notes(List<RunResult> results) {
        List<String> notes = new ArrayList<>();
        for (RunResult r : results) {
            r.failedCalls().forEach((code, n) -> notes.add(String.format(Locale.ROOT, "EC2 refused %d calls of %s with %s",
                    n, r.name(), code)));
        }
        for (RunResult r : results) {
            r.violations().forEach(v -> notes.add("INVARIANT BROKEN (" + r.name() + "): " + v));
        }
        return notes;
    }

    public static String json(List<RunResult> results) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode policies = root.putArray("policies");
        for (RunResult r : results) {
            ObjectNode p = policies.addObject();
            p.put("name", r.name());
            p.put("heldPerRunningPod", round(r.heldPerRunningPod()));
            p.put("heldPerRunningPodP95", round(r.heldPerRunningPodP95()));
            p.put("coldStarts", r.coldStarts());
            p.put("waitP50Seconds", round(r.waitP50Seconds()));
            p.put("waitP99Seconds", round(r.waitP99Seconds()));
            p.put("ec2Calls", r.ec2Calls());
            p.put("throttledCalls", r.throttledCalls());
            p.put("peakSubnetUsed", round(r.peakSubnetUsed()));
            p.put("peakSubnetAddresses", r.peakSubnetAddresses());
            if (r.scaleUpSeconds().isPresent()) {
                p.put("scaleUpSeconds", round(r.scaleUpSeconds().getAsDouble()));
            } else {
                p.putNull("scaleUpSeconds");
            }
            p.put("podsStarted", r.podsStarted());
            p.put("rejected", r.rejected());
            ObjectNode failed = p.putObject("failedCalls");
            r.failedCalls().forEach(failed::put);
            ArrayNode v = p.putArray("violations");
            r.violations().forEach(v::add);
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes DIR/NAME.csv per policy (the name made safe for a file); returns the files. */
    public static List<Path> csv(Path dir, List<RunResult> results) {
        try {
            Files.createDirectories(dir);
            return results.stream().map(r -> {
                Path file = dir.resolve(r.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".csv");
                StringBuilder b = new StringBuilder("seconds,running,pending,held,free,heldPerRunningPod,ec2Calls,throttledCalls,subnetUsed,coldStarts\n");
                for (RunResult.Sample s : r.samples()) {
                    b.append(String.format(Locale.ROOT, "%.1f,%d,%d,%d,%d,%.3f,%d,%d,%.4f,%d%n", s.seconds(), s.running(),
                            s.pending(), s.held(), s.free(), s.running() == 0 ? 0 : (double) s.held() / s.running(),
                            s.ec2Calls(), s.throttledCalls(), s.subnetUsed(), s.coldStarts()));
                }
                try {
                    Files.writeString(file, b);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return file;
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A duration as the scenario files write it: 20m, 1h30m, 2.5s. */
    static String human(java.time.Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** The longest scale-up in seconds, or "-" when the measured part had none. */
    static String scaleUp(RunResult r) {
        return r.scaleUpSeconds().isPresent() ? String.format(Locale.ROOT, "%.1fs", r.scaleUpSeconds().getAsDouble()) : "-";
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
