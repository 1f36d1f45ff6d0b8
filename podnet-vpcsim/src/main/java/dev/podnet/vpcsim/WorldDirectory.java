package dev.podnet.vpcsim;

import dev.podnet.cloud.Instance;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.VpcResources.Vpc;
import java.util.List;

/**
 * The listings of the whole world, which the CloudNetwork SPI does not have (podnet only ever asks about its own
 * node and subnets): every instance and every VPC. An empty list of ids means all of them.
 */
public interface WorldDirectory {
    List<Instance> describeInstances(List<String> instanceIds);

    List<Vpc> describeVpcs(List<String> vpcIds);

    static WorldDirectory of(VpcEmulator emulator) {
        return new WorldDirectory() {
            @Override
            public List<Instance> describeInstances(List<String> instanceIds) {
                return emulator.describeInstances(instanceIds);
            }

            @Override
            public List<Vpc> describeVpcs(List<String> vpcIds) {
                return emulator.describeVpcs(vpcIds);
            }
        };
    }
}
