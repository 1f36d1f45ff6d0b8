package dev.podnet.cloud.sim;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A subnet of the emulated world; it belongs to the VPC whose CIDR block contains {@code cidrBlock}. */
public record SubnetSpec(String id, String availabilityZone, String cidrBlock, Optional<String> ipv6CidrBlock,
                         Map<String, String> tags) {
    public SubnetSpec {
        Objects.requireNonNull(id, "subnet id");
        Objects.requireNonNull(availabilityZone, "availabilityZone");
        Objects.requireNonNull(cidrBlock, "cidrBlock");
        Objects.requireNonNull(ipv6CidrBlock, "ipv6CidrBlock");
        tags = Map.copyOf(tags);
    }
}
