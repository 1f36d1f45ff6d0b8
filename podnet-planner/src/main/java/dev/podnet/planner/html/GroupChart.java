package dev.podnet.planner.html;

import static dev.podnet.planner.html.Html.clip;
import static dev.podnet.planner.html.Html.esc;
import static dev.podnet.planner.html.Html.num;
import static dev.podnet.planner.html.Html.px;
import static dev.podnet.planner.html.SubnetChart.text;

import dev.podnet.planner.report.GroupResult;
import java.util.List;

/**
 * Chart 2: per node group, the addresses each node holds (in use, then warm) and the same for the whole group.
 * The two panels have their own scales: a group total is count times larger and would shrink the per-node bars to
 * slivers, while the per-node panel is what shows how much a warm pool wastes.
 */
final class GroupChart {

    static final int WIDTH = 1100;
    static final int NODE_X = 250;
    static final int NODE_W = 270;
    static final int GROUP_X = 670;
    static final int GROUP_W = 270;
    private static final int HEAD_H = 26;
    private static final int ROW_H = 44;
    private static final int LEGEND_H = 34;
    private static final int BAR_H = 18;
    private static final int LABEL_CHARS = 30;

    private GroupChart() {
    }

    static String svg(List<GroupResult> groups) {
        long maxNode = groups.stream().mapToLong(GroupResult::heldAddresses).max().orElse(1);
        long maxGroup = groups.stream().mapToLong(g -> (long) g.count() * g.heldAddresses()).max().orElse(1);
        int height = HEAD_H + groups.size() * ROW_H + LEGEND_H;

        StringBuilder out = new StringBuilder(4096);
        out.append("<svg class=\"chart groups\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"Addresses per node group\">\n");
        text(out, NODE_X, 15, "12", "700", Style.DIM, "start", "PER NODE");
        text(out, GROUP_X, 15, "12", "700", Style.DIM, "start", "WHOLE GROUP (NODES \u00d7 PER NODE)");
        out.append("<line x1=\"0\" x2=\"").append(WIDTH).append("\" y1=\"").append(HEAD_H - 4).append("\" y2=\"")
                .append(HEAD_H - 4).append("\" stroke=\"").append(Style.RULE).append("\"/>\n");
        int y = HEAD_H;
        for (GroupResult g : groups) {
            row(out, g, y, Math.max(1, maxNode), Math.max(1, maxGroup));
            y += ROW_H;
        }
        legend(out, y + 12);
        return out.append("</svg>\n").toString();
    }

    private static void row(StringBuilder out, GroupResult g, int y, long maxNode, long maxGroup) {
        out.append("<g class=\"row\"><title>").append(esc(g.name())).append(": ").append(num(g.activeAddresses()))
                .append(" in use + ").append(num(g.warmAddresses())).append(" warm per node</title>\n");
        text(out, 0, y + 17, "13", "600", Style.INK, "start", esc(clip(g.name(), LABEL_CHARS)));
        text(out, 0, y + 34, "12", "400", Style.DIM, "start",
                esc(clip(g.instanceType(), 20)) + " \u00b7 " + Html.plural(g.count(), "node", "nodes"));
        long n = g.count();
        stacked(out, NODE_X, NODE_W, y + 8, g.activeAddresses(), g.warmAddresses(), maxNode);
        stacked(out, GROUP_X, GROUP_W, y + 8, n * g.activeAddresses(), n * g.warmAddresses(), maxGroup);
        out.append("</g>\n");
    }

    /** One stacked bar, in use then warm, with "in use + warm = held" just past its end. */
    private static void stacked(StringBuilder out, int x, int width, int y, long active, long warm, long max) {
        double activeW = (double) width * active / max;
        double warmW = (double) width * warm / max;
        rect(out, x, y, activeW, BAR_H, Style.BLUE);
        rect(out, x + activeW, y, warmW, BAR_H, Style.LIGHT_BLUE);
        text(out, x + activeW + warmW + 8, y + 13.5, "12.5", "400", Style.INK, "start",
                num(active) + " + " + num(warm) + " = <tspan font-weight=\"700\">" + num(active + warm) + "</tspan>");
    }

    private static void rect(StringBuilder out, double x, int y, double width, int height, String fill) {
        if (width <= 0) {
            return;
        }
        out.append("<rect x=\"").append(px(x)).append("\" y=\"").append(y).append("\" width=\"").append(px(width))
                .append("\" height=\"").append(height).append("\" fill=\"").append(fill).append("\"/>");
    }

    private static void legend(StringBuilder out, int y) {
        out.append("<g class=\"legend\">");
        rect(out, NODE_X, y - 3, 14, 14, Style.BLUE);
        text(out, NODE_X + 20, y + 9, "12.5", "400", Style.INK, "start",
                "in use: pod addresses + primary address of each active ENI");
        rect(out, GROUP_X, y - 3, 14, 14, Style.LIGHT_BLUE);
        text(out, GROUP_X + 20, y + 9, "12.5", "400", Style.INK, "start",
                "warm: unused addresses held + primary of each warm ENI");
        out.append("</g>\n");
    }
}
