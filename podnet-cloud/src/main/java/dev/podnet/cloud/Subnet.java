package dev.podnet.cloud;

import java.util.Map;
import java.util.Optional;

/** A VPC subnet; {@code availableIpAddressCount} is what EC2 reports (size - 5 - addresses in use). */
public record Subnet(String id, String vpcId, String availabilityZone, String cidrBlock, Optional<String> ipv6CidrBlock,
                     long availableIpAddressCount, Map<String, String> tags) {
    public Subnet {
        tags = Map.copyOf(tags);
    }
}
