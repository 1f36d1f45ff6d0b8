package dev.podnet.planner.artifacts;

import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.model.Mode;
import dev.podnet.planner.report.Artifact;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An eksctl ClusterConfig for the planned VPC, node groups and max pods. */
final class EksctlConfig {
    static final String PATH = "eksctl-cluster.yaml";

    private EksctlConfig() {
    }

    static Artifact artifact(PlanView in) {
        ClusterPlan plan = in.plan();
        boolean ipv6 = plan.mode() == Mode.IPV6;
        boolean privateCluster = plan.proxy().isPresent();
        Map<String, Object> config = Yaml.map(
                "apiVersion", "eksctl.io/v1alpha5",
                "kind", "ClusterConfig",
                "metadata", Yaml.map("name", plan.name(), "region", plan.region()),
                "kubernetesNetworkConfig", ipv6 ? Yaml.map("ipFamily", "IPv6") : null,
                // eksctl refuses IPv6 clusters without OIDC: the VPC CNI gets its IPv6 policy through IRSA
                "iam", ipv6 ? Yaml.map("withOIDC", true) : null,
                "vpc", vpc(plan),
                // vpc-endpoints.sh creates the endpoints; eksctl creating them too would clash on private DNS
                "privateCluster", privateCluster ? Yaml.map("enabled", true, "skipEndpointCreation", true) : null,
                "addons", addons(ipv6),
                "managedNodeGroups", plan.nodeGroups().stream().map(g -> nodeGroup(in, g)).toList());
        return new Artifact(PATH, "eksctl ClusterConfig with the planned max pods per node group",
                Yaml.document(header(in), config));
    }

    private static String header(PlanView in) {
        StringBuilder header = new StringBuilder(in.origin()).append('\n');
        if (in.plan().proxy().isPresent()) {
            header.append("Run vpc-endpoints.sh first: a private cluster's nodes reach AWS only through them.\n");
        }
        if (in.mode().usesPodSubnets()) {
            header.append("Nodes must start with custom networking on, so the node groups come last:\n")
                    .append("  eksctl create cluster -f " + PATH + " --without-nodegroup\n")
                    .append("  ./vpc-setup.sh    (pod subnets, then the ENIConfigs)\n")
                    .append("  kubectl -n kube-system patch daemonset aws-node --patch-file aws-node-env.yaml\n");
            if (in.mode() == Mode.DUAL_STACK) {
                header.append("  kubectl apply -f ippools.yaml -f network-attachment-definition.yaml\n");
            }
            header.append("  eksctl create nodegroup -f " + PATH);
        } else {
            header.append("Create with: eksctl create cluster -f " + PATH);
        }
        return header.toString();
    }

    private static Map<String, Object> vpc(ClusterPlan plan) {
        Map<String, Object> privateSubnets = new LinkedHashMap<>();
        for (ClusterPlan.Zone zone : plan.zones()) {
            privateSubnets.put(zone.name(), zone.nodeSubnetId()
                    .<Object>map(id -> Yaml.map("id", id))
                    .orElseGet(() -> Yaml.map("cidr", zone.nodeSubnet().toString())));
        }
        return Yaml.map(
                "id", plan.vpc().id().orElse(null),
                "cidr", plan.vpc().cidr().toString(),
                "subnets", Yaml.map("private", privateSubnets));
    }

    /** eksctl needs kube-proxy and coredns as add-ons in IPv6 clusters, next to vpc-cni. */
    private static List<Object> addons(boolean ipv6) {
        List<String> names = ipv6 ? List.of("vpc-cni", "kube-proxy", "coredns") : List.of("vpc-cni");
        return names.stream().map(n -> (Object) Yaml.map("name", n)).toList();
    }

    private static Map<String, Object> nodeGroup(PlanView in, ClusterPlan.NodeGroup group) {
        return Yaml.map(
                "name", group.name(),
                "instanceType", group.instanceType().name(),
                "desiredCapacity", group.count(),
                "minSize", group.count(),
                "maxSize", group.count(),
                "maxPodsPerNode", in.group(group.name()).maxPods(),
                "availabilityZones", group.zones(),
                "privateNetworking", true);
    }
}
