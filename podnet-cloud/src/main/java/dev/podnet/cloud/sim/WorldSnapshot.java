package dev.podnet.cloud.sim;

import dev.podnet.cloud.Instance;
import dev.podnet.cloud.Subnet;
import java.util.List;

/**
 * The subnets and the running instances with their attached ENIs, read at one instant: what a data plane mirrors.
 */
public record WorldSnapshot(List<Subnet> subnets, List<Instance> instances) {
    public WorldSnapshot {
        subnets = List.copyOf(subnets);
        instances = List.copyOf(instances);
    }
}
