package dev.podnet.planner.report;

import java.util.List;

/**
 * What {@code podnet plan} found: per node group, per zone and per CIDR, and the findings a user must read.
 * Plain data: the text, JSON, YAML and HTML outputs all render this one record.
 */
public record PlanReport(String name, String region, String mode, List<GroupResult> groups, List<SubnetUsage> subnets,
                         List<CidrCheck> cidrChecks, List<Finding> findings) {

    public PlanReport {
        groups = List.copyOf(groups);
        subnets = List.copyOf(subnets);
        cidrChecks = List.copyOf(cidrChecks);
        findings = List.copyOf(findings);
    }

    public boolean hasErrors() {
        return findings.stream().anyMatch(f -> f.severity() == Finding.Severity.ERROR);
    }

    /** Pods the cluster hosts: for every group, nodes x the pods each node can place. */
    public long podsHosted() {
        return groups.stream().mapToLong(g -> (long) g.count() * g.podsPlacedPerNode()).sum();
    }
}
