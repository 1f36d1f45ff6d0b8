package dev.podnet.cloud.sim;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A VPC of the emulated world: its IPv4 CIDR blocks (the first is the primary) and an optional IPv6 block. */
public record VpcSpec(String id, List<String> cidrBlocks, Optional<String> ipv6CidrBlock) {
    public VpcSpec {
        Objects.requireNonNull(id, "vpc id");
        cidrBlocks = List.copyOf(cidrBlocks);
        Objects.requireNonNull(ipv6CidrBlock, "ipv6CidrBlock");
    }
}
