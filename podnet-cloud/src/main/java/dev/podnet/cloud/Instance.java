package dev.podnet.cloud;

import java.util.List;

/** An EC2 instance as podnet sees it: its type decides the ENI and address limits. */
public record Instance(String id, String instanceType, String vpcId, String subnetId, String availabilityZone,
                       List<NetworkInterface> networkInterfaces) {
    public Instance {
        networkInterfaces = List.copyOf(networkInterfaces);
    }
}
