package dev.podnet.planner.model;

import dev.podnet.net.Cidr;
import java.util.List;
import java.util.Optional;

/**
 * A validated cluster description: everything {@code podnet plan} reads from its YAML file, with CIDRs parsed and
 * instance types resolved. Built only by {@link dev.podnet.planner.PlanReader}, so every instance is consistent.
 *
 * @param source         the file it came from, for messages
 * @param existingCidrs  blocks already associated with the VPC besides the primary
 * @param secondaryCidrs blocks this plan associates with the VPC
 * @param podCidr        the block pod subnets are carved from (custom-networking, dual-stack), else empty
 * @param serviceCidr    the Kubernetes service CIDR, for NO_PROXY
 */
public record ClusterPlan(String source, String name, String region, Mode mode, Vpc vpc, List<Zone> zones,
                          Optional<Cidr> podCidr, Split split, Cidr serviceCidr, WarmTargets warm,
                          List<NodeGroup> nodeGroups, List<String> securityGroups, Optional<Proxy> proxy) {

    public ClusterPlan {
        zones = List.copyOf(zones);
        nodeGroups = List.copyOf(nodeGroups);
        securityGroups = List.copyOf(securityGroups);
    }

    /** @param id the VPC id when known; artifacts use {@code $VPC_ID} otherwise */
    public record Vpc(Optional<String> id, Cidr cidr, List<Cidr> existingCidrs, List<Cidr> secondaryCidrs,
                      Optional<Cidr> ipv6Cidr) {
        public Vpc {
            existingCidrs = List.copyOf(existingCidrs);
            secondaryCidrs = List.copyOf(secondaryCidrs);
        }
    }

    /**
     * An availability zone and the node subnet the nodes live in there.
     *
     * @param podSubnetId the pod subnet's id when it exists already (custom-networking, dual-stack); artifacts
     *                    otherwise refer to a shell variable that the generated VPC script sets when it creates it
     */
    public record Zone(String name, Cidr nodeSubnet, Optional<String> nodeSubnetId, Optional<String> routeTableId,
                       Optional<String> podSubnetId) {
    }

    /** How pod subnets are sized per zone: equally, or by the number of nodes in each zone. */
    public enum Split { EQUAL, WEIGHTED }

    /** The VPC CNI warm targets (0 = unset) and the kubelet max-pods cap (0 = none). */
    public record WarmTargets(int warmEniTarget, int warmIpTarget, int minimumIpTarget, int warmPrefixTarget,
                              int maxEni, int maxPodsCap) {
    }

    /**
     * @param zones       the zones the group's nodes are spread over, evenly, in this order
     * @param podsPerNode pods per node that need a pod address (host-network pods do not)
     */
    public record NodeGroup(String name, dev.podnet.net.InstanceType instanceType, int count, int podsPerNode,
                            List<String> zones) {
        public NodeGroup {
            zones = List.copyOf(zones);
        }

        /** Nodes in {@code zone}: the count spread round-robin over the group's zones. */
        public int nodesIn(String zone) {
            int index = zones.indexOf(zone);
            if (index < 0) {
                return 0;
            }
            return count / zones.size() + (index < count % zones.size() ? 1 : 0);
        }
    }

    /**
     * A private cluster's egress proxy.
     *
     * @param url       the proxy URL nodes and aws-node use ({@code http://host:port})
     * @param endpoints the VPC interface endpoints to create (service short names: ec2, sts, ecr.api, ...)
     * @param noProxy   extra NO_PROXY entries beyond the ones podnet derives
     */
    public record Proxy(String url, String host, int port, List<String> endpoints, List<String> noProxy) {
        public Proxy {
            endpoints = List.copyOf(endpoints);
            noProxy = List.copyOf(noProxy);
        }
    }
}
