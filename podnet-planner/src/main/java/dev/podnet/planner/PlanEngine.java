package dev.podnet.planner;

import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import dev.podnet.net.aws.CarvedSubnet;
import dev.podnet.net.aws.CidrRefusal;
import dev.podnet.net.aws.SecondaryCidrRules;
import dev.podnet.net.aws.SubnetCarver;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.model.Mode;
import dev.podnet.planner.report.CidrCheck;
import dev.podnet.planner.report.Finding;
import dev.podnet.planner.report.GroupResult;
import dev.podnet.planner.report.PlanReport;
import dev.podnet.planner.report.SubnetUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Works out a {@link ClusterPlan}: max pods and warm pools per node group, subnet usage per zone, CIDR rules. */
public final class PlanEngine {
    /** A subnet fuller than this gets a headroom warning. */
    static final double HEADROOM_WARNING_PERCENT = 80.0;
    /** /80 prefixes in one /64. */
    private static final long PREFIXES_80_PER_64 = 1L << 16;

    public PlanReport plan(ClusterPlan plan) {
        List<Finding> findings = new ArrayList<>();
        List<CidrCheck> cidrChecks = checkSecondaryCidrs(plan, findings);
        List<GroupResult> groups = new ArrayList<>();
        for (int i = 0; i < plan.nodeGroups().size(); i++) {
            groups.add(sizeGroup(plan, i, findings));
        }
        List<SubnetUsage> subnets = new ArrayList<>();
        nodeSubnets(plan, groups, subnets, findings);
        plan.podCidr().ifPresent(from -> podSubnets(plan, from, groups, subnets, findings));
        plan.vpc().ipv6Cidr().filter(v6 -> plan.mode().needsIpv6()).ifPresent(v6 -> ipv6Subnets(plan, v6, subnets, findings));
        if (plan.mode().usesPrefixes()) {
            findings.add(Finding.info("prefix mode needs free, aligned /28 blocks: vpc-setup.sh reserves room for the planned "
                    + "prefixes (a subnet CIDR reservation of type prefix) so single addresses never fragment it"));
        }
        plan.proxy().ifPresent(p -> findings.add(Finding.info("private cluster: AWS APIs through " + p.endpoints().size()
                + " VPC endpoints (" + String.join(", ", p.endpoints()) + "), everything else through the proxy " + p.url()
                + "; --out-dir writes vpc-endpoints.sh, proxy-environment.yaml (NO_PROXY) and node-user-data.sh")));
        return new PlanReport(plan.name(), plan.region(), plan.mode().id(), groups, subnets, cidrChecks, findings);
    }

    private static List<CidrCheck> checkSecondaryCidrs(ClusterPlan plan, List<Finding> findings) {
        List<CidrCheck> checks = new ArrayList<>();
        List<Cidr> associated = new ArrayList<>(plan.vpc().existingCidrs());
        for (int i = 0; i < plan.vpc().secondaryCidrs().size(); i++) {
            Cidr candidate = plan.vpc().secondaryCidrs().get(i);
            List<CidrRefusal> refusals = SecondaryCidrRules.check(plan.vpc().cidr(), associated, candidate,
                    SecondaryCidrRules.DEFAULT_BLOCK_QUOTA);
            for (CidrRefusal r : refusals) {
                findings.add(Finding.error("vpc.secondaryCidrs[" + i + "]: " + r.explanation() + " [rule " + r.rule() + "]"));
            }
            checks.add(new CidrCheck(candidate.toString(), refusals.stream().map(CidrRefusal::explanation).toList()));
            associated.add(candidate);
        }
        return checks;
    }

    private static GroupResult sizeGroup(ClusterPlan plan, int index, List<Finding> findings) {
        ClusterPlan.NodeGroup g = plan.nodeGroups().get(index);
        String at = "nodeGroups[" + index + "]";
        NodeSizing.Sizing s = NodeSizing.size(g.instanceType(), g.podsPerNode(), warmConfig(plan), plan.mode() == Mode.IPV6,
                plan.warm().maxPodsCap());
        int podLimit = Math.max(0, s.maxPods().maxPods() - MaxPods.HOST_NETWORK_PODS);
        if (s.prefixFallback()) {
            findings.add(Finding.warning(at + ".instanceType: " + g.instanceType().name()
                    + " has no prefix delegation (not Nitro); its nodes fall back to secondary IPs"));
        }
        if (g.podsPerNode() > podLimit) {
            findings.add(Finding.warning(at + ".podsPerNode: " + g.podsPerNode() + " pods per node, but "
                    + g.instanceType().name() + " allows " + s.maxPods().maxPods() + " pods (" + podLimit
                    + " besides aws-node and kube-proxy); each node places " + s.podsPlaced()));
        } else if (s.podsPlaced() < g.podsPerNode()) {
            findings.add(Finding.warning(at + ".podsPerNode: each node's ENIs hold addresses for only "
                    + s.podsPlaced() + " of " + g.podsPerNode() + " pods"));
        }
        Map<String, Integer> perZone = new LinkedHashMap<>();
        g.zones().forEach(z -> perZone.put(z, g.nodesIn(z)));
        return new GroupResult(g.name(), g.instanceType().name(), g.count(), g.podsPerNode(), s.maxPods().maxPods(),
                s.podsPlaced(), s.activeEnis() + s.warmEnis(), s.activeEnis(), s.warmEnis(), s.slotsPerEni(),
                s.activeAddresses(), s.warmAddresses(), s.podSubnetAddresses(), s.nodeSubnetAddresses(), perZone,
                s.cloudCalls());
    }

    static WarmPoolConfig warmConfig(ClusterPlan plan) {
        ClusterPlan.WarmTargets w = plan.warm();
        return new WarmPoolConfig(plan.mode().usesPrefixes(), w.warmEniTarget(), w.warmIpTarget(), w.minimumIpTarget(),
                w.warmPrefixTarget(), w.maxEni(), plan.mode().usesPodSubnets());
    }

    private static void nodeSubnets(ClusterPlan plan, List<GroupResult> groups, List<SubnetUsage> out,
                                    List<Finding> findings) {
        boolean podsElsewhere = plan.mode().usesPodSubnets() || plan.mode() == Mode.IPV6;
        for (int i = 0; i < plan.zones().size(); i++) {
            ClusterPlan.Zone zone = plan.zones().get(i);
            long used = 0;
            int nodes = 0;
            int largestNode = 0;
            for (GroupResult g : groups) {
                int n = g.nodesPerZone().getOrDefault(zone.name(), 0);
                int perNode = podsElsewhere ? g.nodeSubnetAddresses() : g.podSubnetAddresses();
                used += (long) n * perNode;
                nodes += n;
                largestNode = n > 0 ? Math.max(largestNode, perNode) : largestNode;
            }
            SubnetUsage usage = new SubnetUsage(zone.name(), "nodes", zone.nodeSubnet().toString(),
                    CarvedSubnet.of(zone.name(), zone.nodeSubnet()).usableAddresses(), used, nodes);
            out.add(usage);
            judge(usage, "zones[" + i + "].nodeSubnet", largestNode, findings);
        }
    }

    private static void podSubnets(ClusterPlan plan, Cidr from, List<GroupResult> groups, List<SubnetUsage> out,
                                   List<Finding> findings) {
        String field = plan.vpc().secondaryCidrs().contains(from) ? "vpc.secondaryCidrs" : "podSubnets.from";
        List<String> zones = plan.zones().stream().map(ClusterPlan.Zone::name).toList();
        Map<String, Long> demand = new LinkedHashMap<>();
        Map<String, Integer> nodes = new LinkedHashMap<>();
        Map<String, Integer> largest = new LinkedHashMap<>();
        for (String zone : zones) {
            for (GroupResult g : groups) {
                int n = g.nodesPerZone().getOrDefault(zone, 0);
                demand.merge(zone, (long) n * g.podSubnetAddresses(), Long::sum);
                nodes.merge(zone, n, Integer::sum);
                largest.merge(zone, n > 0 ? g.podSubnetAddresses() : 0, Math::max);
            }
        }
        boolean equal = plan.split() == ClusterPlan.Split.EQUAL || demand.values().stream().allMatch(d -> d == 0);
        List<Integer> weights = zones.stream().map(z -> equal ? 1 : (int) Math.min(Integer.MAX_VALUE, demand.get(z))).toList();
        List<CarvedSubnet> carved;
        try {
            carved = SubnetCarver.carve(from, zones, weights);
        } catch (InvalidInputException e) {
            findings.add(Finding.error(field + ": cannot carve pod subnets from " + from + ": " + e.getMessage()));
            return;
        }
        for (CarvedSubnet c : carved) {
            SubnetUsage usage = new SubnetUsage(c.zone(), "pods", c.cidr().toString(), c.usableAddresses(),
                    demand.get(c.zone()), nodes.get(c.zone()));
            out.add(usage);
            judge(usage, field, largest.get(c.zone()), findings);
        }
        long unused = SubnetCarver.unusedAddresses(from, carved);
        if (unused > 0) {
            findings.add(Finding.info(String.format("%,d addresses of %s are left for later pod subnets", unused, from)));
        }
    }

    private static void ipv6Subnets(ClusterPlan plan, Cidr v6, List<SubnetUsage> out, List<Finding> findings) {
        long available = 1L << Math.min(62, 64 - v6.prefixLength());
        if (plan.zones().size() > available) {
            findings.add(Finding.error("vpc.ipv6Cidr: " + v6 + " holds " + available + " /64 subnets, fewer than the "
                    + plan.zones().size() + " zones"));
            return;
        }
        for (int i = 0; i < plan.zones().size(); i++) {
            ClusterPlan.Zone zone = plan.zones().get(i);
            int nodes = plan.nodeGroups().stream().mapToInt(g -> g.nodesIn(zone.name())).sum();
            out.add(new SubnetUsage(zone.name(), "ipv6", v6.subnet(64, i).toString(), PREFIXES_80_PER_64, nodes, nodes));
        }
    }

    /** Errors when the subnet cannot hold its nodes, warnings when it is nearly full or cannot take one more node. */
    private static void judge(SubnetUsage u, String field, int largestNode, List<Finding> findings) {
        String what = u.zone() + " " + (u.role().equals("pods") ? "pod" : "node") + " subnet " + u.cidr();
        if (u.used() > u.usable()) {
            findings.add(Finding.error(String.format("%s: %s cannot hold the planned nodes: %,d addresses needed, "
                    + "%,d usable (AWS reserves 5 per subnet)", field, what, u.used(), u.usable())));
        } else if (u.percentUsed() > HEADROOM_WARNING_PERCENT) {
            findings.add(Finding.warning(String.format("%s: %s is %.0f%% used: %,d addresses left", field, what,
                    u.percentUsed(), u.remaining())));
        } else if (largestNode > 0 && u.remaining() < largestNode) {
            findings.add(Finding.warning(String.format("%s: %s has %,d addresses left, too few for one more node (%,d)",
                    field, what, u.remaining(), largestNode)));
        }
    }
}
