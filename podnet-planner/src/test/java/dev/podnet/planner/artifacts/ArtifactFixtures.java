package dev.podnet.planner.artifacts;

import dev.podnet.net.Cidr;
import dev.podnet.net.Hypervisor;
import dev.podnet.net.InstanceType;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.model.ClusterPlan.NodeGroup;
import dev.podnet.planner.model.ClusterPlan.Zone;
import dev.podnet.planner.model.Mode;
import dev.podnet.planner.report.GroupResult;
import dev.podnet.planner.report.PlanReport;
import dev.podnet.planner.report.SubnetUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Hand-built plans and reports, one per scenario. The report numbers are plausible, not computed: the generators
 * read only names, max pods, slots per ENI and the pod subnets from them.
 */
final class ArtifactFixtures {
    static final InstanceType M5_LARGE = new InstanceType("m5.large", 3, 10, Hypervisor.NITRO, false);
    static final InstanceType M5_XLARGE = new InstanceType("m5.xlarge", 4, 15, Hypervisor.NITRO, false);
    static final ClusterPlan.WarmTargets NO_WARM = new ClusterPlan.WarmTargets(0, 0, 0, 0, 0, 0);
    static final Cidr SERVICES = Cidr.parse("172.20.0.0/16");

    /** A plan and its report under a scenario name, which is also the golden directory. */
    record Scenario(String name, ClusterPlan plan, PlanReport report) {
        @Override
        public String toString() {
            return name;
        }
    }

    private ArtifactFixtures() {
    }

    static List<Scenario> all() {
        return List.of(customNetworking(), prefix(), privateCluster(), ipv6(), dualStack());
    }

    /** Three zones, pod subnets 100.64.0.0/18 .. 100.64.128.0/18 still to create, one route table unknown. */
    static Scenario customNetworking() {
        List<Zone> zones = List.of(
                zone("eu-west-1a", "10.0.0.0/20", "subnet-0a00000000000000a", "rtb-0a00000000000000a", null),
                zone("eu-west-1b", "10.0.16.0/20", "subnet-0b00000000000000b", "rtb-0b00000000000000b", null),
                zone("eu-west-1c", "10.0.32.0/20", "subnet-0c00000000000000c", null, null));
        NodeGroup general = new NodeGroup("general", M5_LARGE, 6, 15, names(zones));
        ClusterPlan plan = new ClusterPlan("custom.yaml", "demo", "eu-west-1", Mode.CUSTOM_NETWORKING,
                vpc("vpc-0123456789abcdef0", "10.0.0.0/16", List.of(), List.of("100.64.0.0/16"), null), zones,
                Optional.of(Cidr.parse("100.64.0.0/16")), ClusterPlan.Split.EQUAL, SERVICES,
                new ClusterPlan.WarmTargets(1, 0, 0, 0, 0, 0), List.of(general), List.of("sg-0123456789abcdef0"),
                Optional.empty());
        return scenario("custom-networking", plan, List.of(result(general, 20, List.of(9, 9))),
                Map.of("eu-west-1a", "100.64.0.0/18", "eu-west-1b", "100.64.64.0/18", "eu-west-1c", "100.64.128.0/18"));
    }

    /** Prefix delegation in the node subnets; the VPC and subnet ids are not known yet. */
    static Scenario prefix() {
        List<Zone> zones = List.of(
                zone("eu-west-1a", "10.1.0.0/19", null, null, null),
                zone("eu-west-1b", "10.1.32.0/19", null, null, null));
        NodeGroup dense = new NodeGroup("dense", M5_XLARGE, 4, 100, names(zones));
        ClusterPlan plan = new ClusterPlan("prefix.yaml", "dense", "eu-west-1", Mode.PREFIX,
                vpc(null, "10.1.0.0/16", List.of(), List.of(), null), zones, Optional.empty(),
                ClusterPlan.Split.EQUAL, SERVICES, new ClusterPlan.WarmTargets(0, 0, 0, 1, 0, 110), List.of(dense),
                List.of(), Optional.empty());
        return scenario("prefix", plan, List.of(result(dense, 110, List.of(7))), Map.of());
    }

    /** Secondary-ip behind http://proxy.corp.internal:3128, with an existing extra CIDR and a shared route table. */
    static Scenario privateCluster() {
        List<Zone> zones = List.of(
                zone("eu-west-1a", "10.2.0.0/20", "subnet-0private000000000a", "rtb-0private000000000", null),
                zone("eu-west-1b", "10.2.16.0/20", "subnet-0private000000000b", "rtb-0private000000000", null));
        NodeGroup apps = new NodeGroup("apps", M5_LARGE, 4, 20, names(zones));
        ClusterPlan.Proxy proxy = new ClusterPlan.Proxy("http://proxy.corp.internal:3128", "proxy.corp.internal", 3128,
                List.of("ec2", "ecr.api", "ecr.dkr", "sts", "logs", "s3"), List.of(".corp.internal", "10.2.0.0/16"));
        ClusterPlan plan = new ClusterPlan("private.yaml", "vault", "eu-west-1", Mode.SECONDARY_IP,
                vpc("vpc-0private0000000000", "10.2.0.0/16", List.of("10.3.0.0/16"), List.of(), null), zones,
                Optional.empty(), ClusterPlan.Split.EQUAL, SERVICES, new ClusterPlan.WarmTargets(0, 5, 10, 0, 0, 0),
                List.of(apps), List.of(), Optional.of(proxy));
        return scenario("private", plan, List.of(result(apps, 29, List.of(9, 6))), Map.of());
    }

    static Scenario ipv6() {
        List<Zone> zones = List.of(
                zone("us-east-1a", "10.4.0.0/20", "subnet-0six00000000000a", "rtb-0six00000000000a", null),
                zone("us-east-1b", "10.4.16.0/20", "subnet-0six00000000000b", "rtb-0six00000000000b", null),
                zone("us-east-1c", "10.4.32.0/20", "subnet-0six00000000000c", "rtb-0six00000000000c", null));
        NodeGroup web = new NodeGroup("web", M5_LARGE, 3, 50, names(zones));
        ClusterPlan plan = new ClusterPlan("ipv6.yaml", "six", "us-east-1", Mode.IPV6,
                vpc("vpc-0six000000000000", "10.4.0.0/16", List.of(), List.of(), "2600:1f18:abcd:1200::/56"), zones,
                Optional.empty(), ClusterPlan.Split.EQUAL, SERVICES, NO_WARM, List.of(web), List.of(),
                Optional.empty());
        return scenario("ipv6", plan, List.of(result(web, 110, List.of(1))), Map.of());
    }

    /**
     * Dual-stack underlay over two zones: the pod subnet in eu-west-1a exists, the one in eu-west-1b is created;
     * two groups share eu-west-1a, so its /28 and /80 counters run across groups.
     */
    static Scenario dualStack() {
        return dualStack("100.64.0.0/17", "100.64.128.0/17");
    }

    static Scenario dualStack(String podSubnetA, String podSubnetB) {
        List<Zone> zones = List.of(
                zone("eu-west-1a", "10.5.0.0/20", "subnet-0duo00000000000a", "rtb-0duo00000000000a",
                        "subnet-0duopods000000000a"),
                zone("eu-west-1b", "10.5.16.0/20", "subnet-0duo00000000000b", "rtb-0duo00000000000b", null));
        NodeGroup underlay = new NodeGroup("underlay", M5_XLARGE, 4, 60, names(zones));
        NodeGroup edge = new NodeGroup("edge", M5_LARGE, 1, 20, List.of("eu-west-1a"));
        ClusterPlan plan = new ClusterPlan("dual.yaml", "duo", "eu-west-1", Mode.DUAL_STACK,
                vpc("vpc-0duo000000000000", "10.5.0.0/16", List.of(), List.of("100.64.0.0/16"),
                        "2600:1f18:abcd:3400::/56"), zones,
                Optional.of(Cidr.parse("100.64.0.0/16")), ClusterPlan.Split.EQUAL, SERVICES,
                new ClusterPlan.WarmTargets(0, 0, 0, 0, 2, 0), List.of(underlay, edge), List.of(), Optional.empty());
        return scenario("dual-stack", plan,
                List.of(result(underlay, 110, List.of(3, 2)), result(edge, 110, List.of(2))),
                Map.of("eu-west-1a", podSubnetA, "eu-west-1b", podSubnetB));
    }

    private static Scenario scenario(String name, ClusterPlan plan, List<GroupResult> groups,
                                     Map<String, String> podSubnets) {
        List<SubnetUsage> subnets = new ArrayList<>();
        for (Zone zone : plan.zones()) {
            int nodes = plan.nodeGroups().stream().mapToInt(g -> g.nodesIn(zone.name())).sum();
            subnets.add(new SubnetUsage(zone.name(), "nodes", zone.nodeSubnet().toString(),
                    zone.nodeSubnet().sizeV4() - 5, nodes * 3L, nodes));
            if (podSubnets.containsKey(zone.name())) {
                Cidr pods = Cidr.parse(podSubnets.get(zone.name()));
                subnets.add(new SubnetUsage(zone.name(), "pods", pods.toString(), pods.sizeV4() - 5, nodes * 18L, nodes));
            }
        }
        PlanReport report = new PlanReport(plan.name(), plan.region(), plan.mode().id(), groups, subnets, List.of(),
                List.of());
        return new Scenario(name, plan, report);
    }

    private static Zone zone(String name, String nodeSubnet, String nodeSubnetId, String routeTableId,
                             String podSubnetId) {
        return new Zone(name, Cidr.parse(nodeSubnet), Optional.ofNullable(nodeSubnetId),
                Optional.ofNullable(routeTableId), Optional.ofNullable(podSubnetId));
    }

    private static ClusterPlan.Vpc vpc(String id, String cidr, List<String> existing, List<String> secondary,
                                       String ipv6) {
        return new ClusterPlan.Vpc(Optional.ofNullable(id), Cidr.parse(cidr),
                existing.stream().map(Cidr::parse).toList(), secondary.stream().map(Cidr::parse).toList(),
                Optional.ofNullable(ipv6).map(Cidr::parse));
    }

    private static List<String> names(List<Zone> zones) {
        return zones.stream().map(Zone::name).toList();
    }

    private static GroupResult result(NodeGroup group, int maxPods, List<Integer> slotsPerEni) {
        Map<String, Integer> perZone = new LinkedHashMap<>();
        group.zones().forEach(z -> perZone.put(z, group.nodesIn(z)));
        int slots = slotsPerEni.stream().mapToInt(Integer::intValue).sum();
        int enis = slotsPerEni.size();
        return new GroupResult(group.name(), group.instanceType().name(), group.count(), group.podsPerNode(), maxPods,
                Math.min(group.podsPerNode(), maxPods - 2), enis, enis, 0, slotsPerEni, slots + enis, 0, slots,
                enis, perZone, enis + 1);
    }

    /** Every scenario's name, for parameterized tests. */
    static Stream<Scenario> scenarios() {
        return all().stream();
    }
}
