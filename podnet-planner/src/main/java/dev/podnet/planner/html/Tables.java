package dev.podnet.planner.html;

import static dev.podnet.planner.html.Html.esc;
import static dev.podnet.planner.html.Html.num;
import static dev.podnet.planner.html.Html.pct;

import dev.podnet.planner.report.CidrCheck;
import dev.podnet.planner.report.GroupResult;
import dev.podnet.planner.report.SubnetUsage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The report's three tables: the exact numbers behind the charts, for copying into a change request. */
final class Tables {

    private Tables() {
    }

    static String groups(List<GroupResult> groups) {
        if (groups.isEmpty()) {
            return "<p class=\"sub\">The plan has no node groups.</p>\n";
        }
        StringBuilder out = new StringBuilder(2048);
        out.append("<table class=\"groups\">\n<thead><tr><th>Node group</th><th>Instance type</th>")
                // The section says "per node unless stated": headers stay short enough to sit on two lines.
                .append("<th class=\"n\">Nodes</th><th class=\"n\">Pods per node</th><th class=\"n\">Max pods</th>")
                .append("<th class=\"n\">Pods placed</th><th class=\"n\">ENIs active / warm</th>")
                .append("<th>Slots per ENI</th><th class=\"n\">Addresses held</th>")
                .append("<th class=\"n\">Pod-subnet addresses</th><th class=\"n\">EC2 calls</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (GroupResult g : groups) {
            // Fewer pods placed than asked for means the node ran out of slots: the user must see it in the row.
            boolean short_ = g.podsPlacedPerNode() < g.podsPerNode();
            out.append("<tr><td class=\"name\"><b>").append(esc(g.name())).append("</b><div class=\"small\">")
                    .append(zones(g.nodesPerZone())).append("</div></td>")
                    .append("<td class=\"mono\">").append(esc(g.instanceType())).append("</td>")
                    .append(n(g.count())).append(n(g.podsPerNode())).append(n(g.maxPods()))
                    .append("<td class=\"n").append(short_ ? " over-text" : "").append("\">")
                    .append(num(g.podsPlacedPerNode())).append(short_ ? " (node full)" : "").append("</td>")
                    .append("<td class=\"n\">").append(num(g.activeEnis())).append(" / ").append(num(g.warmEnis()))
                    .append("</td><td class=\"slots\">").append(slots(g.slotsPerEni())).append("</td>")
                    .append(n(g.heldAddresses())).append(n(g.podSubnetAddresses())).append(n(g.cloudCallsPerNode()))
                    .append("</tr>\n");
        }
        return out.append("</tbody>\n</table>\n").toString();
    }

    static String subnets(List<SubnetUsage> subnets) {
        if (subnets.isEmpty()) {
            return "<p class=\"sub\">The plan uses no subnets.</p>\n";
        }
        StringBuilder out = new StringBuilder(2048);
        out.append("<table class=\"subnets\">\n<thead><tr><th>Zone</th><th>Role</th><th>CIDR</th>")
                .append("<th class=\"n\">Nodes</th><th class=\"n\">Usable</th><th class=\"n\">Used</th>")
                .append("<th class=\"n\">Remaining</th><th class=\"n\">% used</th></tr></thead>\n<tbody>\n");
        for (SubnetUsage s : subnets) {
            boolean over = s.used() > s.usable();
            boolean high = !over && s.percentUsed() > SubnetChart.AMBER_ABOVE;
            String unit = SubnetChart.ipv6(s) ? " <span class=\"small\">/80s</span>" : "";
            out.append(over ? "<tr class=\"over\">" : "<tr>")
                    .append("<td>").append(esc(s.zone())).append("</td>")
                    .append("<td>").append(esc(s.role())).append("</td>")
                    .append("<td class=\"mono\">").append(esc(s.cidr())).append("</td>")
                    .append(n(s.nodes()))
                    .append("<td class=\"n\">").append(num(s.usable())).append(unit).append("</td>")
                    .append("<td class=\"n\">").append(num(s.used())).append(unit).append("</td>")
                    .append(over ? "<td class=\"n over-text\">over by " + num(-s.remaining()) + "</td>"
                            : "<td class=\"n\">" + num(s.remaining()) + unit + "</td>")
                    .append("<td class=\"n").append(over ? " over-text" : high ? " warn-text" : "").append("\">")
                    .append(esc(pct(s.percentUsed()))).append("</td></tr>\n");
        }
        return out.append("</tbody>\n</table>\n").toString();
    }

    static String cidrChecks(List<CidrCheck> checks) {
        if (checks.isEmpty()) {
            return "<p class=\"sub\">The plan associates no secondary CIDR with the VPC.</p>\n";
        }
        StringBuilder out = new StringBuilder(1024);
        out.append("<table class=\"cidrs\">\n<thead><tr><th style=\"width:220px\">Secondary CIDR</th>")
                .append("<th>AWS rules</th></tr></thead>\n<tbody>\n");
        for (CidrCheck c : checks) {
            out.append(c.allowed() ? "<tr>" : "<tr class=\"over\">")
                    .append("<td class=\"mono\">").append(esc(c.cidr())).append("</td><td>");
            if (c.allowed()) {
                out.append("<span class=\"ok-text\">allowed</span>");
            } else {
                out.append("<span class=\"over-text\">refused</span><ul class=\"refusals\">");
                c.refusals().forEach(r -> out.append("<li>").append(esc(r)).append("</li>"));
                out.append("</ul>");
            }
            out.append("</td></tr>\n");
        }
        return out.append("</tbody>\n</table>\n").toString();
    }

    private static String n(long value) {
        return "<td class=\"n\">" + num(value) + "</td>";
    }

    private static String slots(List<Integer> slots) {
        return slots.isEmpty() ? "\u2013" : slots.stream().map(Html::num).collect(Collectors.joining(" \u00b7 "));
    }

    /**
     * Nodes per zone, each entry unbreakable so a line wraps between zones, never inside one. Zone order is sorted
     * so two runs of the same plan give byte-identical reports.
     */
    private static String zones(Map<String, Integer> perZone) {
        return new TreeMap<>(perZone).entrySet().stream()
                .map(e -> "<span class=\"nowrap\">" + esc(e.getKey()) + ": " + num(e.getValue()) + "</span>")
                .collect(Collectors.joining(" \u00b7 "));
    }
}
