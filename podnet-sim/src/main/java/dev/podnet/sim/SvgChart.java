package dev.podnet.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * One chart of {@link HtmlReport}'s page as inline SVG: a line per policy and series over the measured time, each
 * policy in its own colour, with a legend, value grid lines and time ticks (minutes, or hours past three hours).
 *
 * @param id     the SVG's id, for links and tests
 * @param title  the heading, also the SVG's title
 * @param unit   what the y axis counts
 * @param about  a sentence under the heading on how to read it
 * @param series one or two quantities per policy; the second is drawn dashed
 */
record SvgChart(String id, String title, String unit, String about, List<Series> series) {
    SvgChart {
        series = List.copyOf(series);
    }

    /** Points per line at most: a day sampled every 10 s still makes a small page. */
    static final int MAX_POINTS = 600;
    static final List<String> COLOURS = List.of("#1f6fb4", "#d62728", "#2ca02c", "#e67e00", "#8e44ad", "#8c564b",
            "#d6469f", "#17a2b8");
    private static final int WIDTH = 900;
    private static final int LEFT = 70;
    private static final int RIGHT = 24;
    private static final int PLOT_HEIGHT = 240;
    private static final int ROW = 18;
    private static final String DASHED = " stroke-dasharray=\"6 4\"";

    /** One quantity a chart draws per policy; a chart's second series is dashed. */
    record Series(String label, ToDoubleFunction<RunResult.Sample> value) {
    }

    /** Ticks at multiples of {@code step} from 0 to {@code max} (a multiple of the step). */
    private record Axis(double max, double step) {
        static Axis upTo(double value, int ticks) {
            double raw = value > 0 ? value / ticks : 1.0 / ticks;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / magnitude;
            double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
            return new Axis(Math.max(step, Math.ceil(value / step - 1e-9) * step), step);
        }

        List<Double> ticks() {
            return IntStream.rangeClosed(0, (int) Math.round(max / step)).mapToObj(i -> i * step).toList();
        }

        String label(double v) {
            int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
            return String.format(Locale.ROOT, decimals == 0 ? "%,.0f" : "%,." + decimals + "f", v);
        }
    }

    /** Maps seconds and values to the SVG's pixels: LEFT to WIDTH - RIGHT across, top to top + PLOT_HEIGHT down. */
    private record Plot(int top, Axis time, double unitSeconds, Axis values) {
        double x(double seconds) {
            return LEFT + (WIDTH - LEFT - RIGHT) * seconds / (time.max() * unitSeconds);
        }

        double y(double v) {
            return top + PLOT_HEIGHT - PLOT_HEIGHT * v / values.max();
        }
    }

    /** Appends the SVG: the legend (a row per policy, then the line styles when two series), axes, lines. */
    void draw(StringBuilder out, List<RunResult> results, double span) {
        boolean key = series.size() > 1;
        int top = 14 + ROW * (results.size() + (key ? 1 : 0));
        int height = top + PLOT_HEIGHT + 44;
        double max = results.stream().flatMap(r -> r.samples().stream())
                .flatMapToDouble(s -> series.stream().mapToDouble(f -> f.value().applyAsDouble(s)))
                .filter(v -> !Double.isNaN(v)).max().orElse(0);
        boolean hours = span > 3 * 3600;
        Plot plot = new Plot(top, Axis.upTo(span / (hours ? 3600 : 60), 8), hours ? 3600 : 60, Axis.upTo(max, 5));
        out.append("<svg id=\"").append(id).append("\" class=\"chart\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" role=\"img\">\n<title>").append(title)
                .append(" over time, per policy</title>\n<g class=\"legend\">\n");
        for (int i = 0; i < results.size(); i++) {
            legend(out, "legend-entry", LEFT, 6 + ROW * i, colour(i), false, results.get(i).name());
        }
        for (int k = 0; key && k < series.size(); k++) {
            legend(out, "legend-key", LEFT + 160 * k, 6 + ROW * results.size(), "#666", k == 1, series.get(k).label());
        }
        out.append("</g>\n");
        axes(out, plot, height, hours ? "hours" : "minutes", unit);
        out.append("<g class=\"lines\">\n");
        for (int i = 0; i < results.size(); i++) {
            List<RunResult.Sample> samples = downsample(results.get(i).samples());
            for (int k = 0; k < series.size(); k++) {
                polyline(out, plot, samples, series.get(k).value(), colour(i), k == 1);
            }
        }
        out.append("</g>\n</svg>\n");
    }

    /** Grid lines with the values, the axes with the time ticks, and what each axis counts. */
    private static void axes(StringBuilder out, Plot plot, int height, String timeUnit, String valueUnit) {
        int bottom = plot.top() + PLOT_HEIGHT;
        double middle = plot.top() + PLOT_HEIGHT / 2.0;
        out.append("<g class=\"grid\">\n");
        for (double v : plot.values().ticks()) {
            out.append(line(LEFT, plot.y(v), WIDTH - RIGHT, plot.y(v)))
                    .append(text(LEFT - 6, plot.y(v) + 4, "end", plot.values().label(v)));
        }
        out.append("</g>\n<g class=\"axis\">\n").append(line(LEFT, plot.top(), LEFT, bottom))
                .append(line(LEFT, bottom, WIDTH - RIGHT, bottom));
        for (double t : plot.time().ticks()) {
            double x = plot.x(t * plot.unitSeconds());
            out.append(line(x, bottom, x, bottom + 5)).append(text(x, bottom + 18, "middle", plot.time().label(t)));
        }
        out.append(text((LEFT + WIDTH - RIGHT) / 2.0, height - 6, "middle",
                        "time since the measured part began (" + timeUnit + ")"))
                .append("<text x=\"16\" y=\"").append(px(middle)).append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ")
                .append(px(middle)).append(")\">").append(valueUnit).append("</text>\n</g>\n");
    }

    private static void legend(StringBuilder out, String kind, int x, int y, String colour, boolean dashed,
                               String label) {
        out.append("<g class=\"").append(kind).append("\"><line x1=\"").append(x).append("\" y1=\"").append(y + 6)
                .append("\" x2=\"").append(x + 24).append("\" y2=\"").append(y + 6).append("\" stroke=\"")
                .append(colour).append("\" stroke-width=\"3\"").append(dashed ? DASHED : "").append("/>")
                .append(text(x + 30, y + 10, "start", label).strip()).append("</g>\n");
    }

    private static void polyline(StringBuilder out, Plot plot, List<RunResult.Sample> samples,
                                 ToDoubleFunction<RunResult.Sample> value, String colour, boolean dashed) {
        StringBuilder points = new StringBuilder();
        for (RunResult.Sample s : samples) {
            double v = value.applyAsDouble(s);
            if (!Double.isNaN(v)) {
                points.append(points.isEmpty() ? "" : " ").append(px(plot.x(s.seconds()))).append(',').append(px(plot.y(v)));
            }
        }
        out.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                .append(dashed ? DASHED : "").append(" points=\"").append(points).append("\"/>\n");
    }

    /** Every k-th sample and the last, so that no line has more than {@link #MAX_POINTS} points. */
    static List<RunResult.Sample> downsample(List<RunResult.Sample> samples) {
        if (samples.size() <= MAX_POINTS) {
            return samples;
        }
        int stride = (int) Math.ceil((samples.size() - 1) / (double) (MAX_POINTS - 2));
        List<RunResult.Sample> kept = new ArrayList<>();
        for (int i = 0; i < samples.size(); i += stride) {
            kept.add(samples.get(i));
        }
        if ((samples.size() - 1) % stride != 0) {
            kept.add(samples.getLast());
        }
        return kept;
    }

    private static String line(double x1, double y1, double x2, double y2) {
        return "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) + "\"/>\n";
    }

    private static String text(double x, double y, String anchor, String label) {
        return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" text-anchor=\"" + anchor + "\">" + HtmlReport.esc(label) + "</text>\n";
    }

    static String colour(int policy) {
        return COLOURS.get(policy % COLOURS.size());
    }

    private static String px(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
