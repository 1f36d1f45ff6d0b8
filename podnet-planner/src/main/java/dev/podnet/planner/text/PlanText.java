package dev.podnet.planner.text;

import dev.podnet.planner.report.CidrCheck;
import dev.podnet.planner.report.Finding;
import dev.podnet.planner.report.GroupResult;
import dev.podnet.planner.report.PlanReport;
import dev.podnet.planner.report.SubnetUsage;
import java.util.List;
import java.util.stream.Collectors;

/** The plain-text report {@code podnet plan} prints by default. */
public final class PlanText {
    private PlanText() {
    }

    public static String render(PlanReport report, String source) {
        StringBuilder out = new StringBuilder();
        out.append("podnet plan: ").append(report.name()).append(" (").append(report.region()).append(", ")
                .append(report.mode()).append(") from ").append(source).append("\n\n");
        out.append("Node groups (per node)\n").append(groups(report.groups())).append('\n');
        out.append("Subnets\n").append(subnets(report.subnets())).append('\n');
        if (!report.cidrChecks().isEmpty()) {
            out.append("Secondary CIDRs\n");
            for (CidrCheck c : report.cidrChecks()) {
                out.append("  ").append(c.cidr()).append(": ")
                        .append(c.allowed() ? "allowed" : "refused: " + String.join("; ", c.refusals())).append('\n');
            }
            out.append('\n');
        }
        if (!report.findings().isEmpty()) {
            out.append("Findings\n");
            for (Finding f : report.findings()) {
                out.append("  ").append(f.severity()).append(": ").append(f.message()).append('\n');
            }
            out.append('\n');
        }
        out.append(String.format("Pods hosted: %,d%n", report.podsHosted()));
        out.append("Verdict: ").append(report.hasErrors() ? "DOES NOT FIT (see the errors above)" : "fits").append('\n');
        return out.toString();
    }

    public static String groups(List<GroupResult> groups) {
        TextTable t = new TextTable("GROUP", "TYPE", "NODES", "PODS", "MAX PODS", "PLACED", "ENIS", "ACTIVE", "WARM",
                "SLOTS PER ENI", "ADDR IN USE", "ADDR WARM", "ADDR HELD", "POD-SUBNET ADDR", "EC2 CALLS");
        for (GroupResult g : groups) {
            t.row(g.name(), g.instanceType(), g.count(), g.podsPerNode(), g.maxPods(), g.podsPlacedPerNode(),
                    g.enisPerNode(), g.activeEnis(), g.warmEnis(),
                    g.slotsPerEni().stream().map(String::valueOf).collect(Collectors.joining("+")),
                    g.activeAddresses(), g.warmAddresses(), g.heldAddresses(), g.podSubnetAddresses(),
                    g.cloudCallsPerNode());
        }
        return t.render();
    }

    public static String subnets(List<SubnetUsage> subnets) {
        TextTable t = new TextTable("ZONE", "ROLE", "CIDR", "NODES", "USABLE", "USED", "LEFT", "USED %");
        for (SubnetUsage s : subnets) {
            t.row(s.zone(), s.role(), s.cidr(), s.nodes(), s.usable(), s.used(), s.remaining(),
                    String.format("%.1f%%", s.percentUsed()));
        }
        return t.render();
    }
}
