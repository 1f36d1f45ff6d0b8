package dev.podnet.cloud.sim;

import dev.podnet.cloud.EniAttachment;
import dev.podnet.cloud.NetworkInterface;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/** One ENI's mutable state inside the emulator; only {@link VpcState} and {@link AddressAssignments} touch it. */
final class Eni {

    /** An attachment; it reads "attaching" until {@code readyAt}, then "attached". */
    record Attachment(String id, String instanceId, int deviceIndex, Instant readyAt, boolean deleteOnTermination) {
        boolean ready(Instant now) {
            return !now.isBefore(readyAt);
        }
    }

    final String id;
    final SubnetPool subnet;
    final String macAddress;
    final String description;
    final List<String> securityGroups;
    /** Mutable: CreateTags adds to it. */
    final Map<String, String> tags;
    final int primaryOffset;
    /** Offsets in the subnet, in the order they were assigned. */
    final SequencedSet<Integer> secondary = new LinkedHashSet<>();
    final SequencedSet<Integer> ipv4Prefixes = new LinkedHashSet<>();
    final SequencedSet<Integer> ipv6Prefixes = new LinkedHashSet<>();
    Optional<Attachment> attachment = Optional.empty();

    Eni(String id, SubnetPool subnet, String macAddress, String description, List<String> securityGroups,
        Map<String, String> tags, int primaryOffset) {
        this.id = id;
        this.subnet = subnet;
        this.macAddress = macAddress;
        this.description = description;
        this.securityGroups = List.copyOf(securityGroups);
        this.tags = new java.util.LinkedHashMap<>(tags);
        this.primaryOffset = primaryOffset;
    }

    /** Slots used against the instance type's per-ENI IPv4 limit: the primary, each secondary and each /28 prefix. */
    int ipv4SlotsUsed() {
        return 1 + secondary.size() + ipv4Prefixes.size();
    }

    String status(Instant now) {
        return attachment.map(a -> a.ready(now) ? "in-use" : "attaching").orElse("available");
    }

    NetworkInterface view(Instant now) {
        Optional<EniAttachment> att = attachment.map(a -> new EniAttachment(a.id(), a.instanceId(), a.deviceIndex(),
                a.ready(now) ? "attached" : "attaching", a.deleteOnTermination()));
        List<String> secondaryText = new ArrayList<>(secondary.size());
        secondary.forEach(o -> secondaryText.add(subnet.address(o)));
        List<String> prefixText = new ArrayList<>(ipv4Prefixes.size());
        ipv4Prefixes.forEach(b -> prefixText.add(subnet.prefix(b)));
        List<String> ipv6Text = new ArrayList<>(ipv6Prefixes.size());
        ipv6Prefixes.forEach(i -> ipv6Text.add(subnet.ipv6Prefix(i)));
        return new NetworkInterface(id, subnet.id(), subnet.vpcId(), subnet.availabilityZone(), macAddress,
                status(now), att, subnet.address(primaryOffset), secondaryText, prefixText, ipv6Text, securityGroups,
                tags, description);
    }

    /** Gives every address and prefix back to the subnet (DeleteNetworkInterface). */
    void releaseAll() {
        subnet.release(primaryOffset);
        secondary.forEach(subnet::release);
        ipv4Prefixes.forEach(subnet::releasePrefix);
        ipv6Prefixes.forEach(subnet::releaseIpv6Prefix);
        secondary.clear();
        ipv4Prefixes.clear();
        ipv6Prefixes.clear();
    }
}
