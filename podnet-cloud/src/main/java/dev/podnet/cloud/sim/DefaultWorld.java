package dev.podnet.cloud.sim;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The world most tests use: one VPC in us-east-1 with a node subnet and a pod subnet (custom networking, from the
 * 100.64.0.0/16 secondary block) per AZ, dual stack, and three running instances of different sizes.
 */
public final class DefaultWorld {
    public static final String REGION = "us-east-1";
    public static final String VPC_ID = "vpc-0c0ffee0000000001";
    public static final String VPC_CIDR = "10.0.0.0/16";
    public static final String VPC_SECONDARY_CIDR = "100.64.0.0/16";
    public static final String VPC_IPV6_CIDR = "2600:1f18:1234:5600::/56";

    public static final String NODE_SUBNET_A = "subnet-0a000000000000001";
    public static final String NODE_SUBNET_B = "subnet-0a000000000000002";
    public static final String NODE_SUBNET_C = "subnet-0a000000000000003";
    public static final String POD_SUBNET_A = "subnet-0b000000000000001";
    public static final String POD_SUBNET_B = "subnet-0b000000000000002";
    public static final String POD_SUBNET_C = "subnet-0b000000000000003";

    /** The tag that marks subnets for pod ENIs. */
    public static final Map<String, String> POD_SUBNET_TAGS = Map.of("kubernetes.io/role/cni", "1");

    public static final String SECURITY_GROUP_DEFAULT = "sg-0000000000000000d";
    public static final String SECURITY_GROUP_PODS = "sg-0000000000000000e";

    public static final String INSTANCE_M5_LARGE = "i-0000000000000000a";
    public static final String INSTANCE_C5_XLARGE = "i-0000000000000000b";
    public static final String INSTANCE_T3_MEDIUM = "i-0000000000000000c";

    private DefaultWorld() {
    }

    public static WorldSpec spec() {
        return new WorldSpec(REGION,
                List.of(new VpcSpec(VPC_ID, List.of(VPC_CIDR, VPC_SECONDARY_CIDR), Optional.of(VPC_IPV6_CIDR))),
                List.of(
                        subnet(NODE_SUBNET_A, "us-east-1a", "10.0.0.0/19", "2600:1f18:1234:5600::/64", Map.of()),
                        subnet(NODE_SUBNET_B, "us-east-1b", "10.0.32.0/19", "2600:1f18:1234:5601::/64", Map.of()),
                        subnet(NODE_SUBNET_C, "us-east-1c", "10.0.64.0/19", "2600:1f18:1234:5602::/64", Map.of()),
                        subnet(POD_SUBNET_A, "us-east-1a", "100.64.0.0/18", "2600:1f18:1234:5610::/64", POD_SUBNET_TAGS),
                        subnet(POD_SUBNET_B, "us-east-1b", "100.64.64.0/18", "2600:1f18:1234:5611::/64", POD_SUBNET_TAGS),
                        subnet(POD_SUBNET_C, "us-east-1c", "100.64.128.0/18", "2600:1f18:1234:5612::/64", POD_SUBNET_TAGS)),
                List.of(SECURITY_GROUP_DEFAULT, SECURITY_GROUP_PODS),
                List.of(
                        new InstanceSpec(INSTANCE_M5_LARGE, "m5.large", NODE_SUBNET_A, List.of(SECURITY_GROUP_DEFAULT)),
                        new InstanceSpec(INSTANCE_C5_XLARGE, "c5.xlarge", NODE_SUBNET_B, List.of(SECURITY_GROUP_DEFAULT)),
                        new InstanceSpec(INSTANCE_T3_MEDIUM, "t3.medium", NODE_SUBNET_C, List.of(SECURITY_GROUP_DEFAULT))));
    }

    private static SubnetSpec subnet(String id, String az, String cidr, String ipv6, Map<String, String> tags) {
        return new SubnetSpec(id, az, cidr, Optional.of(ipv6), tags);
    }
}
