package dev.podnet.sim;

import dev.podnet.sim.RunResult.Sample;
import dev.podnet.sim.SvgChart.Series;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code podnet simulate --output html}: the policies' runs as one self-contained HTML5 page, the summary table of the
 * text output and charts of the time series (addresses held and in use, held per running pod, EC2 calls, cold
 * starts), each policy in its own colour. No scripts and no fetches (inline CSS, SVG drawn here, a
 * Content-Security-Policy to keep it so), so the page can be attached to a ticket or opened offline. The markup is
 * also well-formed XML and plain ASCII, and the same runs give the same bytes.
 */
public final class HtmlReport {
    private static final String CSS = """
            body { font: 14px/1.4 system-ui, sans-serif; color: #222; background: #fff; margin: 24px; }
            h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 4px; }
            p.sub { color: #555; margin: 0 0 8px; }
            table { border-collapse: collapse; } th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; }
            th { text-align: right; background: #f4f5f7; } th:first-child, td:first-child { text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            span.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
            svg.chart { display: block; font-size: 12px; } svg .grid line { stroke: #e3e3e3; }
            svg .axis line { stroke: #444; } svg text { fill: #333; }
            """;

    private static final List<SvgChart> CHARTS = List.of(
            new SvgChart("chart-held", "Addresses held and in use", "addresses", "Solid: the VPC addresses the "
                    + "nodes hold for pods (extra ENIs' primaries included); dashed: the addresses running pods use.",
                    List.of(new Series("held", Sample::held), new Series("in use", Sample::running))),
            new SvgChart("chart-ratio", "Held per running pod", "held addresses per pod", "The addresses held "
                    + "divided by the pods running (no point while none runs); 1 would waste nothing.",
                    List.of(new Series("held per pod", HtmlReport::heldPerPod))),
            new SvgChart("chart-calls", "EC2 calls", "calls since the start", "Solid: every EC2 request made, "
                    + "throttled ones included; dashed: the requests EC2 throttled.",
                    List.of(new Series("all calls", Sample::ec2Calls), new Series("throttled", Sample::throttledCalls))),
            new SvgChart("chart-cold", "Cold starts", "pods since the start", "Pods that found no free address on "
                    + "their node and waited for EC2, counted as they started.",
                    List.of(new Series("cold starts", Sample::coldStarts))));

    private HtmlReport() {
    }

    /** The whole page. Policy names and the scenario's source are escaped: they come from the command line. */
    public static String html(Scenario scenario, List<RunResult> results) {
        String file = scenario.source().substring(scenario.source().lastIndexOf('/') + 1);
        StringBuilder out = new StringBuilder(65_536);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\"/>\n<title>podnet simulate: ").append(esc(file))
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<h1>podnet simulate: ")
                .append(esc(file)).append("</h1>\n<p class=\"sub\">")
                .append(esc(String.format(Locale.ROOT, "%s: %s measured%s, seed %d, %d node groups, sampled every %s.",
                        scenario.source(), SimulationReport.human(scenario.duration()),
                        scenario.warmup().isZero() ? "" : " after a " + SimulationReport.human(scenario.warmup()) + " warmup",
                        scenario.seed(), scenario.nodeGroups().size(), SimulationReport.human(scenario.sampleEvery()))))
                .append("</p>\n");
        summary(out, results);
        double span = Math.max(scenario.duration().toMillis() / 1000.0, results.stream()
                .flatMap(r -> r.samples().stream()).mapToDouble(Sample::seconds).max().orElse(0));
        for (SvgChart c : CHARTS) {
            out.append("<h2>").append(c.title()).append(" over time</h2>\n<p class=\"sub\">").append(esc(c.about()))
                    .append("</p>\n");
            c.draw(out, results, span);
        }
        return out.append("</body>\n</html>\n").toString();
    }

    /** Writes DIR/report.html (creating DIR); returns the file. */
    public static Path write(Path dir, Scenario scenario, List<RunResult> results) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("report.html"), html(scenario, results));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void summary(StringBuilder out, List<RunResult> results) {
        out.append("<table class=\"summary\">\n<tr>");
        for (String h : List.of("Policy", "Held/pod", "P95", "Cold starts", "Wait p50", "Wait p99", "EC2 calls",
                "Throttled", "Peak subnet", "Scale-up")) {
            out.append("<th>").append(h).append("</th>");
        }
        out.append("</tr>\n");
        for (int i = 0; i < results.size(); i++) {
            RunResult r = results.get(i);
            out.append("<tr><td><span class=\"swatch\" style=\"background: ").append(SvgChart.colour(i)).append("\"></span>")
                    .append(esc(r.name())).append("</td>");
            for (String cell : List.of(fmt("%.2f", r.heldPerRunningPod()), fmt("%.2f", r.heldPerRunningPodP95()),
                    fmt("%,d", r.coldStarts()), fmt("%.1fs", r.waitP50Seconds()), fmt("%.1fs", r.waitP99Seconds()),
                    fmt("%,d", r.ec2Calls()), fmt("%,d", r.throttledCalls()), fmt("%.1f%%", 100 * r.peakSubnetUsed()),
                    SimulationReport.scaleUp(r))) {
                out.append("<td class=\"n\">").append(cell).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
        List<String> notes = SimulationReport.notes(results);
        if (!notes.isEmpty()) {
            out.append("<ul class=\"notes\">\n");
            notes.forEach(n -> out.append("<li>").append(esc(n)).append("</li>\n"));
            out.append("</ul>\n");
        }
    }

    /** NaN while no pod runs: the chart leaves the point out. */
    private static double heldPerPod(Sample s) {
        return s.running() == 0 ? Double.NaN : (double) s.held() / s.running();
    }

    private static String fmt(String format, Object value) {
        return String.format(Locale.ROOT, format, value);
    }

    /** Escaped for text and attributes alike; beyond ASCII as character references, whatever stdout's charset. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 127 ? Character.toString(c) : "&#" + c + ";");
            }
        });
        return b.toString();
    }
}
