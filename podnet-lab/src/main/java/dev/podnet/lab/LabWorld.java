package dev.podnet.lab;

import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import dev.podnet.cloud.VpcCidrs;
import dev.podnet.cloud.sim.InstanceSpec;
import dev.podnet.cloud.sim.SubnetSpec;
import dev.podnet.cloud.sim.WorldSpec;
import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import dev.podnet.warm.EniConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lab's world and how it reads it. A world with instances keeps them, and the first {@code --nodes} of them are
 * the nodes; a world without gets {@code --nodes} instances of {@code --instance-type}, spread over its node subnets
 * (those inside a VPC's primary block) zone by zone, as a node group spreads them.
 */
final class LabWorld {
    private LabWorld() {
    }

    static WorldSpec of(WorldSpec base, LabSpec spec) {
        if (!base.instances().isEmpty()) {
            if (base.instances().size() < spec.nodes()) {
                throw new InvalidInputException("--nodes " + spec.nodes() + ": the scenario has only "
                        + base.instances().size() + " instances");
            }
            return base;
        }
        List<SubnetSpec> nodeSubnets = base.subnets().stream().filter(s -> base.vpcs().stream()
                        .anyMatch(v -> inside(s.cidrBlock(), v.cidrBlocks().getFirst())))
                .sorted(Comparator.comparing(SubnetSpec::availabilityZone).thenComparing(SubnetSpec::id)).toList();
        if (nodeSubnets.isEmpty()) {
            throw new InvalidInputException("the world has no subnet inside a VPC's primary block for the nodes");
        }
        List<InstanceSpec> instances = new ArrayList<>();
        for (int i = 0; i < spec.nodes(); i++) {
            instances.add(new InstanceSpec(instanceId(i), spec.instanceType(),
                    nodeSubnets.get(i % nodeSubnets.size()).id(), List.of(base.securityGroups().getFirst())));
        }
        return new WorldSpec(base.region(), base.vpcs(), base.subnets(), base.securityGroups(), instances,
                base.routeTables());
    }

    static WorldSpec withoutInstances(WorldSpec world) {
        return new WorldSpec(world.region(), world.vpcs(), world.subnets(), world.securityGroups(), List.of(),
                world.routeTables());
    }

    /** The ids of the world's first {@code count} instances: the lab's nodes, in order. */
    static List<String> nodes(WorldSpec world, int count) {
        return world.instances().stream().limit(count).map(InstanceSpec::id).toList();
    }

    /** i-1ab0000000000000N: recognisably the lab's, 17 hex digits as EC2's. */
    static String instanceId(int node) {
        return "i-1ab%014x".formatted(node);
    }

    /**
     * ENIConfigs for custom networking when none are given: one per zone, named after it (as the agent picks them
     * without an API server, and the VPC CNI with ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone), whose subnet is
     * the zone's first subnet outside the VPC's primary block, with the node's security groups.
     */
    static List<EniConfig> podSubnetConfigs(CloudNetwork cloud, String instanceId) {
        Instance node = cloud.describeInstance(instanceId);
        VpcCidrs vpc = cloud.describeVpc(node.vpcId());
        List<String> groups = node.networkInterfaces().stream()
                .filter(e -> e.attachment().map(a -> a.deviceIndex() == 0).orElse(false))
                .findFirst().map(NetworkInterface::securityGroups).orElse(List.of());
        Map<String, EniConfig> byZone = new TreeMap<>();
        cloud.describeSubnets(List.of()).stream()
                .filter(s -> s.vpcId().equals(vpc.vpcId()) && !inside(s.cidrBlock(), vpc.ipv4().getFirst()))
                .sorted(Comparator.comparing(Subnet::id))
                .forEach(s -> byZone.putIfAbsent(s.availabilityZone(),
                        new EniConfig(s.availabilityZone(), s.id(), groups)));
        if (byZone.isEmpty()) {
            throw new InvalidInputException("custom-networking: VPC " + vpc.vpcId() + " has no subnet outside "
                    + vpc.ipv4().getFirst() + " for pods; associate a secondary block and create pod subnets "
                    + "(podnet plan's vpc-setup.sh does), or give --eniconfig-file");
        }
        return List.copyOf(byZone.values());
    }

    static boolean inside(String address, String block) {
        Cidr inner = Cidr.parse(address.contains("/") ? address : address + (address.contains(":") ? "/128" : "/32"));
        Cidr outer = Cidr.parse(block);
        return inner.isIpv4() == outer.isIpv4() && outer.contains(inner);
    }
}
