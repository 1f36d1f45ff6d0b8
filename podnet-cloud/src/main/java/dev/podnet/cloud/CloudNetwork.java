package dev.podnet.cloud;

import java.util.List;

/**
 * The EC2 calls podnet needs, in domain terms. Implemented by the in-process emulator and by the AWS SDK adapter;
 * one contract suite runs against both. Every method either does all of its work or throws {@link CloudException}
 * having changed nothing. Addresses and prefixes are plain strings as EC2 prints them ("10.0.1.17", "10.0.1.32/28",
 * "2600:1f18:abcd:1200:1::/80").
 */
public interface CloudNetwork {

    /** DescribeInstances for one instance, with the network interfaces attached to it. */
    Instance describeInstance(String instanceId);

    /** DescribeSubnets; an empty list means every subnet. */
    List<Subnet> describeSubnets(List<String> subnetIds);

    /** DescribeVpcs for one VPC: its associated address blocks; an unknown id is InvalidVpcID.NotFound. */
    VpcCidrs describeVpc(String vpcId);

    /** DescribeNetworkInterfaces; every condition of the filter must hold. */
    List<NetworkInterface> describeNetworkInterfaces(EniFilter filter);

    /** CreateNetworkInterface: a new ENI in status "available" with one primary private IPv4 address. */
    NetworkInterface createNetworkInterface(CreateEni request);

    /** AttachNetworkInterface; returns the attachment id. The attachment may show "attaching" for a while. */
    String attachNetworkInterface(String eniId, String instanceId, int deviceIndex);

    /** DetachNetworkInterface by attachment id. */
    void detachNetworkInterface(String attachmentId, boolean force);

    /** DeleteNetworkInterface; fails with InvalidNetworkInterface.InUse while attached. */
    void deleteNetworkInterface(String eniId);

    /** AssignPrivateIpAddresses with SecondaryPrivateIpAddressCount; returns the addresses assigned. */
    List<String> assignPrivateIpAddresses(String eniId, int count);

    /** AssignPrivateIpAddresses with PrivateIpAddress.N (and AllowReassignment); returns the addresses assigned. */
    List<String> assignPrivateIpAddresses(String eniId, List<String> addresses, boolean allowReassignment);

    /** UnassignPrivateIpAddresses (secondary addresses only). */
    void unassignPrivateIpAddresses(String eniId, List<String> addresses);

    /** AssignPrivateIpAddresses with Ipv4PrefixCount: /28 prefixes; returns the prefixes assigned. */
    List<String> assignIpv4Prefixes(String eniId, int count);

    /**
     * AssignPrivateIpAddresses with Ipv4Prefix.N: these /28 prefixes, each aligned inside the ENI's subnet and held by
     * no other ENI; returns them. Prefixes the ENI already holds are returned unchanged, so a retry is harmless: the
     * emulator answers so, as EC2 does for named addresses; that EC2 does the same for prefixes is not yet checked.
     */
    List<String> assignIpv4Prefixes(String eniId, List<String> prefixes);

    /** UnassignPrivateIpAddresses with Ipv4Prefix.N. */
    void unassignIpv4Prefixes(String eniId, List<String> prefixes);

    /** AssignIpv6Addresses with Ipv6PrefixCount: /80 prefixes; returns the prefixes assigned. */
    List<String> assignIpv6Prefixes(String eniId, int count);

    /** AssignIpv6Addresses with Ipv6Prefix.N: these /80 prefixes of the subnet's /64, on the same terms. */
    List<String> assignIpv6Prefixes(String eniId, List<String> prefixes);

    /** UnassignIpv6Addresses with Ipv6Prefix.N. */
    void unassignIpv6Prefixes(String eniId, List<String> prefixes);
}
