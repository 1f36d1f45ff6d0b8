package dev.podnet.cloud.aws;

import dev.podnet.cloud.EniAttachment;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Ipv4PrefixSpecification;
import software.amazon.awssdk.services.ec2.model.Ipv6PrefixSpecification;
import software.amazon.awssdk.services.ec2.model.NetworkInterfaceAttachment;
import software.amazon.awssdk.services.ec2.model.NetworkInterfacePrivateIpAddress;
import software.amazon.awssdk.services.ec2.model.SubnetCidrBlockStateCode;
import software.amazon.awssdk.services.ec2.model.SubnetIpv6CidrBlockAssociation;
import software.amazon.awssdk.services.ec2.model.Tag;

/** SDK shapes to SPI records and SPI filters to EC2 filters. Absent optional elements become empty values. */
final class Ec2Mapper {

    private Ec2Mapper() {
    }

    static List<Filter> filters(EniFilter f) {
        List<Filter> filters = new ArrayList<>();
        f.instanceId().ifPresent(id -> filters.add(filter("attachment.instance-id", id)));
        f.status().ifPresent(s -> filters.add(filter("status", s)));
        f.subnetId().ifPresent(s -> filters.add(filter("subnet-id", s)));
        f.tags().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(t -> filters.add(filter("tag:" + t.getKey(), t.getValue())));
        return filters;
    }

    private static Filter filter(String name, String value) {
        return Filter.builder().name(name).values(value).build();
    }

    static Instance instance(software.amazon.awssdk.services.ec2.model.Instance i, List<NetworkInterface> enis) {
        String az = i.placement() == null ? "" : orEmpty(i.placement().availabilityZone());
        return new Instance(i.instanceId(), i.instanceTypeAsString(), i.vpcId(), i.subnetId(), az, enis);
    }

    /** Only blocks in state "associated" (no state at all counts as associated, as for subnets). */
    static dev.podnet.cloud.VpcCidrs vpc(software.amazon.awssdk.services.ec2.model.Vpc v) {
        List<String> ipv4 = v.cidrBlockAssociationSet().stream()
                .filter(a -> a.cidrBlockState() == null || a.cidrBlockState().state() == null
                        || a.cidrBlockState().stateAsString().equals("associated"))
                .map(software.amazon.awssdk.services.ec2.model.VpcCidrBlockAssociation::cidrBlock).toList();
        if (ipv4.isEmpty() && v.cidrBlock() != null) {
            ipv4 = List.of(v.cidrBlock());
        }
        List<String> ipv6 = v.ipv6CidrBlockAssociationSet().stream()
                .filter(a -> a.ipv6CidrBlockState() == null || a.ipv6CidrBlockState().state() == null
                        || a.ipv6CidrBlockState().stateAsString().equals("associated"))
                .map(software.amazon.awssdk.services.ec2.model.VpcIpv6CidrBlockAssociation::ipv6CidrBlock).toList();
        return new dev.podnet.cloud.VpcCidrs(v.vpcId(), ipv4, ipv6);
    }

    static Subnet subnet(software.amazon.awssdk.services.ec2.model.Subnet s) {
        Optional<String> ipv6 = s.ipv6CidrBlockAssociationSet().stream()
                .filter(Ec2Mapper::associated)
                .map(SubnetIpv6CidrBlockAssociation::ipv6CidrBlock)
                .findFirst();
        long available = s.availableIpAddressCount() == null ? 0 : s.availableIpAddressCount();
        return new Subnet(s.subnetId(), s.vpcId(), s.availabilityZone(), s.cidrBlock(), ipv6, available,
                tags(s.tags()));
    }

    /** A block being disassociated or that failed to associate is not the subnet's; no state at all means associated. */
    private static boolean associated(SubnetIpv6CidrBlockAssociation a) {
        return a.ipv6CidrBlock() != null && (a.ipv6CidrBlockState() == null || a.ipv6CidrBlockState().state() == null
                || a.ipv6CidrBlockState().state() == SubnetCidrBlockStateCode.ASSOCIATED);
    }

    static NetworkInterface eni(software.amazon.awssdk.services.ec2.model.NetworkInterface n) {
        List<String> secondary = n.privateIpAddresses().stream()
                .filter(a -> !Boolean.TRUE.equals(a.primary()))
                .map(NetworkInterfacePrivateIpAddress::privateIpAddress)
                .toList();
        return new NetworkInterface(n.networkInterfaceId(), n.subnetId(), n.vpcId(), orEmpty(n.availabilityZone()),
                orEmpty(n.macAddress()), n.statusAsString(), attachment(n.attachment()), n.privateIpAddress(), secondary,
                n.ipv4Prefixes().stream().map(Ipv4PrefixSpecification::ipv4Prefix).toList(),
                n.ipv6Prefixes().stream().map(Ipv6PrefixSpecification::ipv6Prefix).toList(),
                n.groups().stream().map(GroupIdentifier::groupId).toList(),
                tags(n.tagSet()), orEmpty(n.description()));
    }

    private static Optional<EniAttachment> attachment(NetworkInterfaceAttachment a) {
        if (a == null || a.attachmentId() == null) {
            return Optional.empty();
        }
        return Optional.of(new EniAttachment(a.attachmentId(), a.instanceId(),
                a.deviceIndex() == null ? 0 : a.deviceIndex(), a.statusAsString(),
                Boolean.TRUE.equals(a.deleteOnTermination())));
    }

    static int deviceIndex(NetworkInterface eni) {
        return eni.attachment().map(EniAttachment::deviceIndex).orElse(Integer.MAX_VALUE);
    }

    static Map<String, String> tags(Collection<Tag> tags) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Tag t : tags) {
            map.put(t.key(), orEmpty(t.value()));
        }
        return map;
    }

    static List<Tag> sdkTags(Map<String, String> tags) {
        return tags.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
