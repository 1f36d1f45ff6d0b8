package dev.podnet.cloud;

import java.util.List;

/**
 * A VPC's address blocks as DescribeVpcs reports them: the IPv4 blocks in association order (the primary first) and
 * the IPv6 blocks, only those in state "associated". What the node agent does not SNAT: traffic to these stays in the VPC.
 */
public record VpcCidrs(String vpcId, List<String> ipv4, List<String> ipv6) {
    public VpcCidrs {
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
    }
}
