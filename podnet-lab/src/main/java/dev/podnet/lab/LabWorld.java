package dev.podnet.lab;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.InstanceSpec;
import dev.podnet.cloud.sim.WorldSpec;
import java.util.ArrayList;
import java.util.List;

/** The lab's world: the default world's VPC, subnets and groups, with the lab's nodes as its only instances. */
final class LabWorld {
    private static final List<String> NODE_SUBNETS = List.of(DefaultWorld.NODE_SUBNET_A, DefaultWorld.NODE_SUBNET_B,
            DefaultWorld.NODE_SUBNET_C);

    private LabWorld() {
    }

    static WorldSpec of(LabSpec spec) {
        WorldSpec base = DefaultWorld.spec();
        List<InstanceSpec> instances = new ArrayList<>();
        for (int i = 0; i < spec.nodes(); i++) {
            // Nodes spread over the zones as a node group does, so that pods talk across subnets too.
            String subnet = NODE_SUBNETS.get(i % NODE_SUBNETS.size());
            instances.add(new InstanceSpec(instanceId(i), spec.instanceType(), subnet,
                    List.of(DefaultWorld.SECURITY_GROUP_DEFAULT)));
        }
        return new WorldSpec(base.region(), base.vpcs(), base.subnets(), base.securityGroups(), instances,
                base.routeTables());
    }

    /** i-1ab0000000000000N: recognisably the lab's, 17 hex digits as EC2's. */
    static String instanceId(int node) {
        return "i-1ab%014x".formatted(node);
    }
}
