package dev.podnet.planner.html;

import static dev.podnet.planner.html.Html.clip;
import static dev.podnet.planner.html.Html.esc;
import static dev.podnet.planner.html.Html.num;
import static dev.podnet.planner.html.Html.pct;
import static dev.podnet.planner.html.Html.px;

import dev.podnet.planner.report.SubnetUsage;
import java.util.Comparator;
import java.util.List;

/**
 * Chart 1: one horizontal bar per subnet, grouped by zone. The grey track is the subnet's usable size and the fill
 * what the plan uses, so a small subnet looks small next to a large one. IPv4 rows and IPv6 rows (counted in /80
 * prefixes) have separate scales: a /64 holds 65,536 prefixes and would flatten every IPv4 bar.
 */
final class SubnetChart {

    static final int WIDTH = 1100;
    static final int BAR_X = 370;
    static final int BAR_W = 470;
    static final double AMBER_ABOVE = 80.0;
    private static final int TEXT_X = BAR_X + BAR_W + 18;
    private static final int ROW_H = 44;
    private static final int BAR_H = 16;
    private static final int ZONE_GAP = 14;
    /** A subnet far smaller than the largest one keeps a visible track rather than vanishing. */
    private static final double MIN_TRACK = 6;
    /** Labels longer than this (about 7.6 units a character) would reach the bar: they are squeezed to fit. */
    private static final int LABEL_FITS = 45;
    private static final int LABEL_CHARS = 60;
    private static final int LABEL_W = BAR_X - 14;

    private static final Comparator<SubnetUsage> ORDER = Comparator.comparing(SubnetUsage::zone)
            .thenComparingInt(s -> roleRank(s.role())).thenComparing(SubnetUsage::cidr);

    private SubnetChart() {
    }

    static boolean ipv6(SubnetUsage s) {
        return "ipv6".equals(s.role());
    }

    static String unit(SubnetUsage s) {
        return ipv6(s) ? "/80 prefixes" : "addresses";
    }

    static String svg(List<SubnetUsage> subnets) {
        List<SubnetUsage> rows = subnets.stream().sorted(ORDER).toList();
        long maxV4 = rows.stream().filter(s -> !ipv6(s)).mapToLong(SubnetUsage::usable).max().orElse(1);
        long maxV6 = rows.stream().filter(SubnetChart::ipv6).mapToLong(SubnetUsage::usable).max().orElse(1);
        long zones = rows.stream().map(SubnetUsage::zone).distinct().count();
        int height = rows.size() * ROW_H + (int) Math.max(0, zones - 1) * ZONE_GAP + 4;

        StringBuilder out = new StringBuilder(4096);
        out.append("<svg class=\"chart subnets\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"Subnet usage per zone\">\n");
        int y = 2;
        String zone = null;
        for (SubnetUsage s : rows) {
            if (zone != null && !zone.equals(s.zone())) {
                // A rule between zones: the eye groups a zone's node and pod subnets without repeating headings.
                out.append("<line x1=\"0\" x2=\"").append(WIDTH).append("\" y1=\"").append(y + ZONE_GAP / 2)
                        .append("\" y2=\"").append(y + ZONE_GAP / 2).append("\" stroke=\"").append(Style.RULE)
                        .append("\" stroke-dasharray=\"3 4\"/>\n");
                y += ZONE_GAP;
            }
            zone = s.zone();
            row(out, s, y, Math.max(1, ipv6(s) ? maxV6 : maxV4));
            y += ROW_H;
        }
        return out.append("</svg>\n").toString();
    }

    private static void row(StringBuilder out, SubnetUsage s, int y, long scaleMax) {
        double percent = s.percentUsed();
        boolean over = s.used() > s.usable();
        String colour = over ? Style.RED : percent > AMBER_ABOVE ? Style.AMBER : Style.BLUE;
        String textColour = over ? Style.RED_TEXT : percent > AMBER_ABOVE ? Style.AMBER_TEXT : Style.INK;
        double track = Math.max(MIN_TRACK, (double) BAR_W * s.usable() / scaleMax);
        // Over 100% the fill stops at the track's end: the overflow is in the text, not drawn past the scale.
        double fill = over ? track : s.usable() == 0 ? 0 : track * s.used() / s.usable();
        if (s.used() > 0 && fill < 2) {
            fill = 2;
        }
        String label = s.zone() + " \u00b7 " + s.role() + " \u00b7 " + s.cidr();

        out.append("<g class=\"").append(over ? "row over" : "row").append("\">");
        out.append("<title>").append(esc(label)).append(": ").append(num(s.used())).append(" of ")
                .append(num(s.usable())).append(' ').append(unit(s)).append(" used (").append(esc(pct(percent)))
                .append(")</title>\n");
        if (label.length() > LABEL_FITS) {
            // A long zone name with an IPv6 CIDR: narrower glyphs read better than a label cut before its CIDR.
            out.append("<text x=\"0\" y=\"").append(y + 15).append("\" font-size=\"13\" font-weight=\"600\" fill=\"")
                    .append(Style.INK).append("\" textLength=\"").append(LABEL_W)
                    .append("\" lengthAdjust=\"spacingAndGlyphs\">").append(esc(clip(label, LABEL_CHARS)))
                    .append("</text>");
        } else {
            text(out, 0, y + 15, "13", "600", Style.INK, "start", esc(label));
        }
        text(out, 0, y + 32, "12", "400", Style.DIM, "start",
                num(s.used()) + " of " + num(s.usable()) + " " + unit(s) + " used"
                        + (s.nodes() > 0 ? " \u00b7 " + Html.plural(s.nodes(), "node", "nodes") : ""));
        out.append("<rect x=\"").append(BAR_X).append("\" y=\"").append(y + 9).append("\" width=\"").append(px(track))
                .append("\" height=\"").append(BAR_H).append("\" rx=\"3\" fill=\"").append(Style.TRACK).append("\"/>");
        if (fill > 0) {
            out.append("<rect class=\"fill\" x=\"").append(BAR_X).append("\" y=\"").append(y + 9)
                    .append("\" width=\"").append(px(fill)).append("\" height=\"").append(BAR_H)
                    .append("\" rx=\"3\" fill=\"").append(colour).append("\"/>");
        }
        out.append('\n');
        text(out, TEXT_X, y + 15, "13", "700", textColour, "start",
                esc(pct(percent)) + (over ? " \u00b7 OVER CAPACITY" : ""));
        String rest = over ? "short by " + num(-s.remaining()) + " " + unit(s)
                : num(s.remaining()) + " " + unit(s) + " left";
        text(out, TEXT_X, y + 32, "12", over ? "600" : "400", over ? Style.RED_TEXT : Style.DIM, "start", rest);
        out.append("</g>\n");
    }

    static void text(StringBuilder out, double x, double y, String size, String weight, String fill, String anchor,
                     String escapedText) {
        out.append("<text x=\"").append(px(x)).append("\" y=\"").append(px(y)).append("\" font-size=\"").append(size)
                .append("\" font-weight=\"").append(weight).append("\" fill=\"").append(fill)
                .append("\" text-anchor=\"").append(anchor).append("\">").append(escapedText).append("</text>");
    }

    private static int roleRank(String role) {
        return switch (role) {
            case "nodes" -> 0;
            case "pods" -> 1;
            case "ipv6" -> 2;
            default -> 3;
        };
    }
}
