package dev.podnet.cloud;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ENI. {@code status} is EC2's: "available" (not attached), "attaching", "in-use", "detaching".
 * {@code secondaryIpv4} excludes the primary address.
 */
public record NetworkInterface(String id, String subnetId, String vpcId, String availabilityZone, String macAddress,
                               String status, Optional<EniAttachment> attachment, String primaryIpv4,
                               List<String> secondaryIpv4, List<String> ipv4Prefixes, List<String> ipv6Prefixes,
                               List<String> securityGroups, Map<String, String> tags, String description) {
    public NetworkInterface {
        secondaryIpv4 = List.copyOf(secondaryIpv4);
        ipv4Prefixes = List.copyOf(ipv4Prefixes);
        ipv6Prefixes = List.copyOf(ipv6Prefixes);
        securityGroups = List.copyOf(securityGroups);
        tags = Map.copyOf(tags);
    }
}
