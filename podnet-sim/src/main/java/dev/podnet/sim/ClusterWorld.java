package dev.podnet.sim;

import dev.podnet.cloud.sim.InstanceSpec;
import dev.podnet.cloud.sim.SubnetSpec;
import dev.podnet.cloud.sim.VpcSpec;
import dev.podnet.cloud.sim.WorldSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The emulated VPC a scenario runs in: one VPC whose address blocks are the node groups' subnets, one subnet per
 * distinct CIDR, and every instance that will ever exist (the emulator has no RunInstances; a node that joins later
 * is an instance that simply starts being used).
 */
record ClusterWorld(WorldSpec spec, Map<String, String> subnetOfCidr, Map<String, List<String>> instancesOfGroup) {
    static final String VPC = "vpc-0510000000000000a";
    static final String REGION = "us-east-1";

    static ClusterWorld of(Scenario scenario) {
        Map<String, String> subnets = new LinkedHashMap<>();
        List<SubnetSpec> subnetSpecs = new ArrayList<>();
        for (Scenario.NodeGroup g : scenario.nodeGroups()) {
            if (!subnets.containsKey(g.subnet())) {
                String id = "subnet-%017x".formatted(subnets.size() + 1);
                subnets.put(g.subnet(), id);
                subnetSpecs.add(new SubnetSpec(id, g.zone(), g.subnet(), Optional.empty(), Map.of()));
            }
        }
        Map<String, List<String>> instances = new LinkedHashMap<>();
        List<InstanceSpec> instanceSpecs = new ArrayList<>();
        int n = 0;
        for (Scenario.NodeGroup g : scenario.nodeGroups()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < scenario.nodesEver(g); i++) {
                String id = "i-%017x".formatted(++n);
                ids.add(id);
                instanceSpecs.add(new InstanceSpec(id, g.instanceType(), subnets.get(g.subnet()), List.of()));
            }
            instances.put(g.name(), ids);
        }
        WorldSpec spec = new WorldSpec(REGION, List.of(new VpcSpec(VPC, List.copyOf(subnets.keySet()), Optional.empty())),
                subnetSpecs, List.of("sg-05100000000000001"), instanceSpecs);
        return new ClusterWorld(spec, subnets, instances);
    }
}
