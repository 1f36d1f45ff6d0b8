package dev.podnet.cloud.sim;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A world with tiny subnets, to run out of addresses in a few calls; IPv4 only. */
final class SmallWorld {
    static final String VPC = "vpc-00000000000000001";
    static final String NODES = "subnet-00000000000000001";
    /** 10.1.1.0/26: 64 addresses, 59 usable, aligned /28s at .16 and .32 fully usable. */
    static final String SMALL = "subnet-00000000000000002";
    /** 10.1.2.0/28: 16 addresses, 11 usable, no /28 without a reserved address. */
    static final String TINY = "subnet-00000000000000003";
    static final String GROUP = "sg-00000000000000001";
    static final String NITRO = "i-00000000000000001";
    static final String XEN = "i-00000000000000002";

    private SmallWorld() {
    }

    static WorldSpec spec() {
        return new WorldSpec("eu-west-1",
                List.of(new VpcSpec(VPC, List.of("10.1.0.0/16"), Optional.empty())),
                List.of(subnet(NODES, "10.1.0.0/24"), subnet(SMALL, "10.1.1.0/26"), subnet(TINY, "10.1.2.0/28")),
                List.of(GROUP),
                List.of(new InstanceSpec(NITRO, "m5.large", NODES, List.of()),
                        new InstanceSpec(XEN, "m4.large", NODES, List.of())));
    }

    static VpcEmulator emulator(VirtualClock clock) {
        return VpcEmulator.builder(spec()).clock(clock).sleeper(clock).throttle(ThrottleConfig.UNLIMITED).build();
    }

    private static SubnetSpec subnet(String id, String cidr) {
        return new SubnetSpec(id, "eu-west-1a", cidr, Optional.empty(), Map.of());
    }
}
