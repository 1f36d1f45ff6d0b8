package dev.podnet.planner.input;

import java.util.List;

/**
 * The plan YAML exactly as written, before validation. Every field is optional here so that
 * {@link dev.podnet.planner.PlanReader} can say which one is missing, with its path, instead of Jackson.
 */
public record PlanFile(String apiVersion, String kind, String name, String region, String mode, Vpc vpc,
                       List<Zone> zones, PodSubnets podSubnets, String serviceCidr, Warm warm,
                       List<NodeGroup> nodeGroups, List<String> securityGroups, Proxy proxy) {

    public record Vpc(String id, String cidr, List<String> existingCidrs, List<String> secondaryCidrs,
                      String ipv6Cidr) {
    }

    public record Zone(String name, String nodeSubnet, String nodeSubnetId, String routeTableId, String podSubnetId) {
    }

    public record PodSubnets(String from, String split) {
    }

    public record Warm(Integer warmEniTarget, Integer warmIpTarget, Integer minimumIpTarget, Integer warmPrefixTarget,
                       Integer maxEni, Integer maxPodsCap) {
    }

    public record NodeGroup(String name, String instanceType, Integer count, Integer podsPerNode, List<String> zones) {
    }

    public record Proxy(String url, List<String> endpoints, List<String> noProxy) {
    }
}
