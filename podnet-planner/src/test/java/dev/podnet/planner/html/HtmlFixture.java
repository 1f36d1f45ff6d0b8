package dev.podnet.planner.html;

import dev.podnet.planner.report.CidrCheck;
import dev.podnet.planner.report.Finding;
import dev.podnet.planner.report.GroupResult;
import dev.podnet.planner.report.PlanReport;
import dev.podnet.planner.report.SubnetUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Hand-built reports for the HTML tests: a custom-networking cluster over eu-west-1a/b/c whose eu-west-1c pod subnet
 * is too small (an error), eu-west-1b's nearly full, and a warning about warm addresses. Run {@link #main} to write
 * the page for a look in a browser.
 */
final class HtmlFixture {

    static final String OVER_CIDR = "100.64.128.0/23";

    private HtmlFixture() {
    }

    static GroupResult m5(String name) {
        return new GroupResult(name, "m5.large", 12, 18, 20, 18, 3, 2, 1, List.of(9, 9), 20, 10, 30, 1,
                Map.of("eu-west-1a", 4, "eu-west-1b", 4, "eu-west-1c", 4), 5);
    }

    static GroupResult c5() {
        return new GroupResult("batch-workers", "c5.xlarge", 60, 40, 44, 40, 4, 3, 1, List.of(14, 14, 14), 43, 16,
                59, 1, Map.of("eu-west-1a", 20, "eu-west-1b", 26, "eu-west-1c", 14), 7);
    }

    static List<SubnetUsage> subnets() {
        return List.of(
                new SubnetUsage("eu-west-1a", "nodes", "10.0.0.0/19", 8_187, 24, 24),
                new SubnetUsage("eu-west-1b", "nodes", "10.0.32.0/19", 8_187, 30, 30),
                new SubnetUsage("eu-west-1c", "nodes", "10.0.64.0/19", 8_187, 18, 18),
                new SubnetUsage("eu-west-1a", "pods", "100.64.0.0/18", 16_379, 1_300, 24),
                new SubnetUsage("eu-west-1b", "pods", "100.64.64.0/21", 2_043, 1_654, 30),
                new SubnetUsage("eu-west-1c", "pods", OVER_CIDR, 507, 946, 18));
    }

    static List<Finding> findings() {
        return List.of(
                Finding.info("custom networking: pods take addresses from the 100.64.0.0/16 pod subnets, "
                        + "not from the node subnets"),
                Finding.warning("batch-workers: WARM_ENI_TARGET=1 keeps 16 unused addresses on every node "
                        + "(960 in the group); set WARM_IP_TARGET to hold fewer"),
                Finding.error("pod subnet " + OVER_CIDR + " in eu-west-1c has 507 usable addresses; its 18 nodes "
                        + "need 946"));
    }

    static List<CidrCheck> cidrChecks() {
        return List.of(new CidrCheck("100.64.0.0/16", List.of()),
                new CidrCheck("192.168.0.0/16", List.of(
                        "the VPC's primary CIDR 10.0.0.0/16 is in 10.0.0.0/8: AWS refuses 192.168.0.0/16 next to it",
                        "overlaps the route to 192.168.0.0/16 in route table rtb-0a1b2c3d (peering)")));
    }

    static PlanReport report() {
        return report("prod-eu", List.of(m5("web-general"), c5()), findings());
    }

    static PlanReport report(String name, List<GroupResult> groups, List<Finding> findings) {
        return new PlanReport(name, "eu-west-1", "custom-networking", groups, subnets(), cidrChecks(), findings);
    }

    /** An IPv6 cluster: each node takes one /80 prefix from its zone's /64. */
    static PlanReport ipv6Report() {
        GroupResult g = new GroupResult("web", "m5.large", 6, 50, 110, 50, 1, 1, 0, List.of(1), 1, 0, 0, 0,
                Map.of("eu-west-1a", 3, "eu-west-1b", 3), 1);
        return new PlanReport("v6-only", "eu-west-1", "ipv6", List.of(g), List.of(
                new SubnetUsage("eu-west-1a", "nodes", "10.0.0.0/24", 251, 3, 3),
                new SubnetUsage("eu-west-1a", "ipv6", "2a05:d018:1234:5600::/64", 65_536, 3, 3),
                new SubnetUsage("eu-west-1b", "nodes", "10.0.1.0/24", 251, 3, 3),
                new SubnetUsage("eu-west-1b", "ipv6", "2a05:d018:1234:5601::/64", 65_536, 3, 3)),
                List.of(), List.of());
    }

    /** Long names everywhere: a Local Zone with an IPv6 /64, a long group name and markup in user strings. */
    static PlanReport longNames() {
        GroupResult g = new GroupResult("<script>alert(1)</script> inference-gpu-workers-spot-fallback-pool",
                "g5.48xlarge", 3, 700, 737, 700, 1, 1, 0, List.of(1), 1, 0, 0, 0, Map.of("us-west-2-lax-1a", 3), 1);
        return new PlanReport("team \"ml\" <staging> & co", "us-west-2", "dual-stack", List.of(g, m5("web")), List.of(
                new SubnetUsage("us-west-2-lax-1a", "nodes", "10.20.0.0/26", 59, 57, 3),
                new SubnetUsage("us-west-2-lax-1a", "ipv6", "2600:1f14:abcd:ef01::/64", 65_536, 3, 3),
                new SubnetUsage("us-west-2-lax-1a", "pods", "100.64.0.0/28", 11, 0, 0)),
                List.of(), List.of(Finding.info("label <b>not bold</b>")));
    }

    /** Writes the fixture's page, for looking at it: {@code HtmlFixture /tmp/podnet-report.html [ipv6|long]}. */
    public static void main(String[] args) throws IOException {
        String which = args.length > 1 ? args[1] : "";
        PlanReport report = switch (which) {
            case "ipv6" -> ipv6Report();
            case "long" -> longNames();
            default -> report();
        };
        Files.writeString(Path.of(args[0]), HtmlReport.render(report));
    }
}
