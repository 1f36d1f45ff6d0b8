package dev.podnet.vpcsim;

import dev.podnet.cloud.EniAttachment;
import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import dev.podnet.cloud.sim.VpcResources.CidrAssociation;
import dev.podnet.cloud.sim.VpcResources.Vpc;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The XML of the EC2 shapes podnet reads (Instance, InstanceNetworkInterface, NetworkInterface, Subnet), element
 * names as in service-2.json's locationNames, and the Describe filters each supports. Members the SPI does not model
 * are left out or given the value every podnet-managed resource has (state "running", sourceDestCheck true).
 */
final class Ec2Shapes {

    /** The account that owns everything in the emulated world. */
    static final String OWNER_ID = "111122223333";

    private Ec2Shapes() {
    }

    /** A Vpc item of DescribeVpcs: the first IPv4 block is the primary one, as EC2 lists them. */
    static void vpc(XmlWriter x, Vpc v) {
        x.start("item")
                .element("vpcId", v.id())
                .element("ownerId", OWNER_ID)
                .element("state", "available")
                .element("cidrBlock", v.primaryCidrBlock())
                .element("dhcpOptionsId", "dopt-" + v.id().replaceFirst("^vpc-", ""))
                .element("instanceTenancy", "default")
                .element("isDefault", false);
        x.start("cidrBlockAssociationSet");
        v.cidrBlocks().forEach(b -> cidrAssociation(x, "item", b));
        x.end();
        x.start("ipv6CidrBlockAssociationSet");
        v.ipv6CidrBlock().ifPresent(block -> x.start("item")
                .element("associationId", "vpc-cidr-assoc-" + v.id().replaceFirst("^vpc-", "") + "v6")
                .element("ipv6CidrBlock", block)
                .start("ipv6CidrBlockState").element("state", "associated").end()
                .end());
        x.end();
        tagSet(x, v.tags());
        x.end();
    }

    /** A VpcCidrBlockAssociation: an item of a Vpc's set, or the cidrBlockAssociation of (Dis)AssociateVpcCidrBlock. */
    static void cidrAssociation(XmlWriter x, String element, CidrAssociation b) {
        x.start(element)
                .element("associationId", b.associationId())
                .element("cidrBlock", b.cidrBlock())
                .start("cidrBlockState").element("state", b.state()).end()
                .end();
    }

    static void subnet(XmlWriter x, Subnet s) {
        x.start("item");
        subnetMembers(x, s);
        x.end();
    }

    /** A Subnet's members: inside an item of DescribeSubnets, or inside CreateSubnet's subnet element. */
    static void subnetMembers(XmlWriter x, Subnet s) {
        x.element("subnetId", s.id())
                .element("subnetArn", "arn:aws:ec2:" + region(s.availabilityZone()) + ":" + OWNER_ID + ":subnet/" + s.id())
                .element("state", "available")
                .element("ownerId", OWNER_ID)
                .element("vpcId", s.vpcId())
                .element("cidrBlock", s.cidrBlock())
                .element("availableIpAddressCount", s.availableIpAddressCount())
                .element("availabilityZone", s.availabilityZone())
                .element("defaultForAz", false)
                .element("mapPublicIpOnLaunch", false)
                .element("assignIpv6AddressOnCreation", false);
        x.start("ipv6CidrBlockAssociationSet");
        s.ipv6CidrBlock().ifPresent(block -> x.start("item")
                .element("associationId", "subnet-cidr-assoc-" + s.id().replaceFirst("^subnet-", ""))
                .element("ipv6CidrBlock", block)
                .start("ipv6CidrBlockState").element("state", "associated").end()
                .end());
        x.end();
        tagSet(x, s.tags());
    }

    /** A NetworkInterface item of DescribeNetworkInterfaces, or the networkInterface of CreateNetworkInterface. */
    static void networkInterface(XmlWriter x, String element, NetworkInterface n) {
        x.start(element)
                .element("networkInterfaceId", n.id())
                .element("subnetId", n.subnetId())
                .element("vpcId", n.vpcId())
                .element("availabilityZone", n.availabilityZone())
                .element("description", n.description() == null ? "" : n.description())
                .element("ownerId", OWNER_ID)
                .element("requesterManaged", false)
                .element("status", n.status())
                .element("macAddress", n.macAddress())
                .element("privateIpAddress", n.primaryIpv4())
                .element("sourceDestCheck", true)
                .element("interfaceType", "interface");
        groupSet(x, n.securityGroups());
        n.attachment().ifPresent(a -> x.start("attachment")
                .element("attachmentId", a.attachmentId())
                .element("instanceId", a.instanceId())
                .element("instanceOwnerId", OWNER_ID)
                .element("deviceIndex", a.deviceIndex())
                .element("networkCardIndex", 0)
                .element("status", a.status())
                .element("deleteOnTermination", a.deleteOnTermination())
                .end());
        tagSet(x, n.tags());
        addresses(x, n);
        x.end();
    }

    static void reservation(XmlWriter x, Instance i) {
        List<String> groups = primary(i).map(NetworkInterface::securityGroups).orElse(List.of());
        x.start("item")
                .element("reservationId", "r-" + i.id().replaceFirst("^i-", ""))
                .element("ownerId", OWNER_ID);
        groupSet(x, groups);
        x.start("instancesSet").start("item")
                .element("instanceId", i.id())
                .start("instanceState").element("code", 16).element("name", "running").end()
                .element("privateIpAddress", primary(i).map(NetworkInterface::primaryIpv4).orElse(null))
                .element("instanceType", i.instanceType())
                .start("placement").element("availabilityZone", i.availabilityZone()).element("tenancy", "default").end()
                .element("subnetId", i.subnetId())
                .element("vpcId", i.vpcId())
                .element("sourceDestCheck", true);
        groupSet(x, groups);
        x.start("networkInterfaceSet");
        for (NetworkInterface n : i.networkInterfaces()) {
            instanceNetworkInterface(x, n);
        }
        x.end().end().end().end();
    }

    private static void instanceNetworkInterface(XmlWriter x, NetworkInterface n) {
        x.start("item")
                .element("networkInterfaceId", n.id())
                .element("subnetId", n.subnetId())
                .element("vpcId", n.vpcId())
                .element("description", n.description() == null ? "" : n.description())
                .element("ownerId", OWNER_ID)
                .element("status", n.status())
                .element("macAddress", n.macAddress())
                .element("privateIpAddress", n.primaryIpv4())
                .element("sourceDestCheck", true)
                .element("interfaceType", "interface");
        groupSet(x, n.securityGroups());
        n.attachment().ifPresent(a -> x.start("attachment")
                .element("attachmentId", a.attachmentId())
                .element("deviceIndex", a.deviceIndex())
                .element("networkCardIndex", 0)
                .element("status", a.status())
                .element("deleteOnTermination", a.deleteOnTermination())
                .end());
        addresses(x, n);
        x.end();
    }

    private static void addresses(XmlWriter x, NetworkInterface n) {
        x.start("privateIpAddressesSet");
        privateIp(x, n.primaryIpv4(), true);
        n.secondaryIpv4().forEach(ip -> privateIp(x, ip, false));
        x.end();
        x.start("ipv4PrefixSet");
        n.ipv4Prefixes().forEach(p -> x.start("item").element("ipv4Prefix", p).end());
        x.end();
        x.start("ipv6PrefixSet");
        n.ipv6Prefixes().forEach(p -> x.start("item").element("ipv6Prefix", p).end());
        x.end();
    }

    private static void privateIp(XmlWriter x, String ip, boolean primary) {
        x.start("item").element("privateIpAddress", ip).element("primary", primary).end();
    }

    private static void groupSet(XmlWriter x, List<String> groups) {
        x.start("groupSet");
        groups.forEach(g -> x.start("item").element("groupId", g).end());
        x.end();
    }

    static void tagSet(XmlWriter x, Map<String, String> tags) {
        x.start("tagSet");
        new TreeMap<>(tags).forEach((k, v) -> x.start("item").element("key", k).element("value", v).end());
        x.end();
    }

    /** A list of plain strings, {@code <name><item>..</item></name>} (IpPrefixList, Ipv6AddressList). */
    static void stringSet(XmlWriter x, String name, List<String> values) {
        x.start(name);
        values.forEach(v -> x.element("item", v));
        x.end();
    }

    private static Optional<NetworkInterface> primary(Instance i) {
        return i.networkInterfaces().stream()
                .filter(n -> n.attachment().map(a -> a.deviceIndex() == 0).orElse(false)).findFirst();
    }

    private static String region(String availabilityZone) {
        return availabilityZone.isEmpty() ? availabilityZone : availabilityZone.substring(0, availabilityZone.length() - 1);
    }

    static final Filter.Fields<Instance> INSTANCE_FILTERS = new Filter.Fields<Instance>(Map.of(
            "instance-id", i -> one(i.id()),
            "instance-type", i -> one(i.instanceType()),
            "subnet-id", i -> one(i.subnetId()),
            "vpc-id", i -> one(i.vpcId()),
            "availability-zone", i -> one(i.availabilityZone()),
            "instance-state-name", i -> one("running"),
            "instance-state-code", i -> one("16"),
            "network-interface.network-interface-id", i -> i.networkInterfaces().stream().map(NetworkInterface::id).toList(),
            "private-ip-address", i -> primary(i).map(n -> one(n.primaryIpv4())).orElse(List.of())),
            i -> Map.of());

    static final Filter.Fields<Vpc> VPC_FILTERS = new Filter.Fields<Vpc>(Map.of(
            "vpc-id", v -> one(v.id()),
            "cidr", v -> one(v.primaryCidrBlock()),
            "cidr-block-association.cidr-block", v -> v.cidrBlocks().stream().map(CidrAssociation::cidrBlock).toList(),
            "cidr-block-association.association-id", v -> v.cidrBlocks().stream().map(CidrAssociation::associationId).toList(),
            "cidr-block-association.state", v -> v.cidrBlocks().stream().map(CidrAssociation::state).toList(),
            "ipv6-cidr-block-association.ipv6-cidr-block", v -> v.ipv6CidrBlock().stream().toList(),
            "state", v -> one("available"),
            "is-default", v -> one("false"),
            "owner-id", v -> one(OWNER_ID)),
            Vpc::tags);

    static final Filter.Fields<Subnet> SUBNET_FILTERS = new Filter.Fields<Subnet>(Map.of(
            "subnet-id", s -> one(s.id()),
            "vpc-id", s -> one(s.vpcId()),
            "availability-zone", s -> one(s.availabilityZone()),
            "cidr-block", s -> one(s.cidrBlock()),
            "cidrBlock", s -> one(s.cidrBlock()),
            "cidr", s -> one(s.cidrBlock()),
            "ipv6-cidr-block-association.ipv6-cidr-block", s -> s.ipv6CidrBlock().stream().toList(),
            "state", s -> one("available"),
            "owner-id", s -> one(OWNER_ID)),
            Subnet::tags);

    static final Filter.Fields<NetworkInterface> ENI_FILTERS = new Filter.Fields<NetworkInterface>(Map.ofEntries(
            Map.entry("network-interface-id", n -> one(n.id())),
            Map.entry("attachment.instance-id", n -> attachment(n, EniAttachment::instanceId)),
            Map.entry("attachment.attachment-id", n -> attachment(n, EniAttachment::attachmentId)),
            Map.entry("attachment.status", n -> attachment(n, EniAttachment::status)),
            Map.entry("attachment.device-index", n -> attachment(n, a -> Integer.toString(a.deviceIndex()))),
            Map.entry("status", n -> one(n.status())),
            Map.entry("subnet-id", n -> one(n.subnetId())),
            Map.entry("vpc-id", n -> one(n.vpcId())),
            Map.entry("availability-zone", n -> one(n.availabilityZone())),
            Map.entry("description", n -> one(n.description())),
            Map.entry("mac-address", n -> one(n.macAddress())),
            Map.entry("group-id", NetworkInterface::securityGroups),
            Map.entry("private-ip-address", Ec2Shapes::allIpv4),
            Map.entry("addresses.private-ip-address", Ec2Shapes::allIpv4),
            Map.entry("ipv4-prefix", NetworkInterface::ipv4Prefixes),
            Map.entry("ipv6-prefix", NetworkInterface::ipv6Prefixes),
            Map.entry("owner-id", n -> one(OWNER_ID))),
            NetworkInterface::tags);

    private static Collection<String> attachment(NetworkInterface n, Function<EniAttachment, String> field) {
        return n.attachment().map(field).stream().toList();
    }

    static List<String> one(String value) {
        return value == null ? List.of() : List.of(value);
    }

    private static List<String> allIpv4(NetworkInterface n) {
        List<String> all = new ArrayList<>();
        all.add(n.primaryIpv4());
        all.addAll(n.secondaryIpv4());
        return all;
    }
}
