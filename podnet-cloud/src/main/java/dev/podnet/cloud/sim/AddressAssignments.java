package dev.podnet.cloud.sim;

import dev.podnet.cloud.Ec2Error;
import dev.podnet.net.Cidr;
import dev.podnet.net.InstanceType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SequencedSet;

/**
 * Assigning and unassigning secondary IPv4 addresses, IPv4 /28 prefixes and IPv6 /80 prefixes on ENIs.
 *
 * <p>Limits follow the instance type the ENI is attached to: the primary address, each secondary address and each
 * /28 prefix take one of {@code ipv4PerEni} slots, IPv6 /80 prefixes have as many slots of their own, and prefixes
 * need a Nitro type. EC2 lets a detached ENI take addresses too; the emulator does not check limits then and checks
 * them when the ENI is attached instead (the attach fails if the ENI holds too much for the instance).
 */
final class AddressAssignments {

    private final VpcState state;

    AddressAssignments(VpcState state) {
        this.state = state;
    }

    List<String> assignCount(String eniId, int count) {
        Eni eni = state.eni(eniId);
        requirePositive(count, "SecondaryPrivateIpAddressCount");
        requireIpv4Slots(eni, count);
        List<Integer> offsets = eni.subnet.takeAddresses(count, eni.id, state.random);
        eni.secondary.addAll(offsets);
        return offsets.stream().map(eni.subnet::address).toList();
    }

    List<String> assignAddresses(String eniId, List<String> addresses, boolean allowReassignment) {
        Eni eni = state.eni(eniId);
        if (addresses.isEmpty()) {
            throw Errors.invalid("At least one private IP address must be specified.");
        }
        SequencedSet<Integer> wanted = new LinkedHashSet<>();
        List<Integer> fresh = new ArrayList<>();
        for (String text : addresses) {
            int offset = offsetIn(eni, text);
            if (!wanted.add(offset)) {
                throw Errors.invalid("The address " + text + " is given more than once.");
            }
            if (offset == eni.primaryOffset || eni.secondary.contains(offset)) {
                continue; // already this ENI's: EC2 answers with it and changes nothing
            }
            if (eni.subnet.prefixOwnerOf(offset).isPresent()) {
                throw Errors.of(Ec2Error.INVALID_IP_ADDRESS_IN_USE, "Address " + text + " is in use.");
            }
            Optional<String> owner = eni.subnet.ownerOf(offset);
            if (owner.isPresent() && (!allowReassignment || state.enis.get(owner.get()).primaryOffset == offset)) {
                throw Errors.of(Ec2Error.INVALID_IP_ADDRESS_IN_USE, "Address " + text + " is in use.");
            }
            fresh.add(offset);
        }
        requireIpv4Slots(eni, fresh.size());
        for (int offset : fresh) {
            Optional<String> owner = eni.subnet.ownerOf(offset);
            if (owner.isPresent()) {
                state.enis.get(owner.get()).secondary.remove(offset);
                eni.subnet.reassign(offset, eni.id);
            } else {
                eni.subnet.take(offset, eni.id);
            }
            eni.secondary.add(offset);
        }
        return wanted.stream().map(eni.subnet::address).toList();
    }

    void unassignAddresses(String eniId, List<String> addresses) {
        Eni eni = state.eni(eniId);
        if (addresses.isEmpty()) {
            throw Errors.invalid("At least one private IP address must be specified.");
        }
        SequencedSet<Integer> gone = new LinkedHashSet<>();
        for (String text : addresses) {
            int offset = offsetIn(eni, text);
            if (offset == eni.primaryOffset) {
                throw Errors.invalid("The primary private IP address " + text + " of " + eniId + " cannot be unassigned.");
            }
            if (!eni.secondary.contains(offset)) {
                throw Errors.invalid("Some of the specified addresses are not assigned to interface " + eniId);
            }
            gone.add(offset);
        }
        for (int offset : gone) {
            eni.secondary.remove(offset);
            eni.subnet.release(offset);
        }
    }

    List<String> assignIpv4Prefixes(String eniId, int count) {
        Eni eni = state.eni(eniId);
        requirePositive(count, "Ipv4PrefixCount");
        Optional<InstanceType> type = state.typeOf(eni);
        if (type.isPresent()) {
            requirePrefixSupport(type.get(), eniId);
        }
        requireIpv4Slots(eni, count);
        List<Integer> blocks = eni.subnet.takePrefixes(count, eni.id, state.random);
        eni.ipv4Prefixes.addAll(blocks);
        return blocks.stream().map(eni.subnet::prefix).toList();
    }

    /**
     * Ipv4Prefix.N: the named /28s, each aligned inside the ENI's subnet with all 16 addresses free. A prefix the ENI
     * already holds is answered and left alone, as EC2 does for addresses; one held by another ENI, or overlapping
     * an address in use or reserved by EC2, is refused, and then nothing is assigned.
     */
    List<String> assignIpv4Prefixes(String eniId, List<String> prefixes) {
        Eni eni = state.eni(eniId);
        if (prefixes.isEmpty()) {
            throw Errors.invalid("At least one IPv4 prefix must be specified.");
        }
        Optional<InstanceType> type = state.typeOf(eni);
        if (type.isPresent()) {
            requirePrefixSupport(type.get(), eniId);
        }
        SequencedSet<Integer> wanted = new LinkedHashSet<>();
        List<Integer> fresh = new ArrayList<>();
        for (String text : prefixes) {
            Cidr prefix = prefixIn(eni, text, "Ipv4Prefix", 28);
            int block = eni.subnet.blockOf(prefix.toString()).orElseThrow();
            if (!wanted.add(block)) {
                throw Errors.invalid("The prefix " + text + " is given more than once.");
            }
            if (eni.ipv4Prefixes.contains(block)) {
                continue;
            }
            if (!eni.subnet.prefixFree(block)) {
                throw Errors.invalid("The prefix " + text + " is in use: an interface holds it or an address in it,"
                        + " or EC2 reserves an address in it.");
            }
            fresh.add(block);
        }
        requireIpv4Slots(eni, fresh.size());
        for (int block : fresh) {
            eni.subnet.takePrefix(block, eni.id);
            eni.ipv4Prefixes.add(block);
        }
        return wanted.stream().map(eni.subnet::prefix).toList();
    }

    void unassignIpv4Prefixes(String eniId, List<String> prefixes) {
        Eni eni = state.eni(eniId);
        if (prefixes.isEmpty()) {
            throw Errors.invalid("At least one IPv4 prefix must be specified.");
        }
        SequencedSet<Integer> gone = new LinkedHashSet<>();
        for (String text : prefixes) {
            OptionalInt block = eni.subnet.blockOf(text);
            if (block.isEmpty() || !eni.ipv4Prefixes.contains(block.getAsInt())) {
                throw Errors.invalid("The prefix " + text + " is not assigned to interface " + eniId);
            }
            gone.add(block.getAsInt());
        }
        for (int block : gone) {
            eni.ipv4Prefixes.remove(block);
            eni.subnet.releasePrefix(block);
        }
    }

    List<String> assignIpv6Prefixes(String eniId, int count) {
        Eni eni = state.eni(eniId);
        requirePositive(count, "Ipv6PrefixCount");
        if (!eni.subnet.hasIpv6()) {
            throw Errors.invalid("Subnet " + eni.subnet.id() + " has no IPv6 CIDR block, so interface " + eniId
                    + " cannot have IPv6 prefixes.");
        }
        Optional<InstanceType> type = state.typeOf(eni);
        if (type.isPresent()) {
            requirePrefixSupport(type.get(), eniId);
            if (eni.ipv6Prefixes.size() + count > type.get().ipv4PerEni()) {
                throw Errors.addressLimit(eniId);
            }
        }
        List<Integer> indexes = eni.subnet.takeIpv6Prefixes(count, eni.id, state.random);
        eni.ipv6Prefixes.addAll(indexes);
        return indexes.stream().map(eni.subnet::ipv6Prefix).toList();
    }

    /** Ipv6Prefix.N: the named /80s of the subnet's /64, with the same rules as {@link #assignIpv4Prefixes(String, List)}. */
    List<String> assignIpv6Prefixes(String eniId, List<String> prefixes) {
        Eni eni = state.eni(eniId);
        if (prefixes.isEmpty()) {
            throw Errors.invalid("At least one IPv6 prefix must be specified.");
        }
        if (!eni.subnet.hasIpv6()) {
            throw Errors.invalid("Subnet " + eni.subnet.id() + " has no IPv6 CIDR block, so interface " + eniId
                    + " cannot have IPv6 prefixes.");
        }
        SequencedSet<Integer> wanted = new LinkedHashSet<>();
        List<Integer> fresh = new ArrayList<>();
        for (String text : prefixes) {
            Cidr prefix = prefixIn(eni, text, "Ipv6Prefix", 80);
            int index = eni.subnet.ipv6IndexOf(prefix.toString()).orElseThrow();
            if (!wanted.add(index)) {
                throw Errors.invalid("The IPv6 prefix " + text + " is given more than once.");
            }
            if (eni.ipv6Prefixes.contains(index)) {
                continue;
            }
            if (!eni.subnet.ipv6PrefixFree(index)) {
                throw Errors.invalid("The IPv6 prefix " + text + " is in use: an interface holds it,"
                        + " or EC2 reserves an address in it.");
            }
            fresh.add(index);
        }
        Optional<InstanceType> type = state.typeOf(eni);
        if (type.isPresent()) {
            requirePrefixSupport(type.get(), eniId);
            if (eni.ipv6Prefixes.size() + fresh.size() > type.get().ipv4PerEni()) {
                throw Errors.addressLimit(eniId);
            }
        }
        for (int index : fresh) {
            eni.subnet.takeIpv6Prefix(index, eni.id);
            eni.ipv6Prefixes.add(index);
        }
        return wanted.stream().map(eni.subnet::ipv6Prefix).toList();
    }

    void unassignIpv6Prefixes(String eniId, List<String> prefixes) {
        Eni eni = state.eni(eniId);
        if (prefixes.isEmpty()) {
            throw Errors.invalid("At least one IPv6 prefix must be specified.");
        }
        SequencedSet<Integer> gone = new LinkedHashSet<>();
        for (String text : prefixes) {
            OptionalInt index = eni.subnet.ipv6IndexOf(text);
            if (index.isEmpty() || !eni.ipv6Prefixes.contains(index.getAsInt())) {
                throw Errors.invalid("The IPv6 prefix " + text + " is not assigned to interface " + eniId);
            }
            gone.add(index.getAsInt());
        }
        for (int index : gone) {
            eni.ipv6Prefixes.remove(index);
            eni.subnet.releaseIpv6Prefix(index);
        }
    }

    static void requirePrefixSupport(InstanceType type, String eniId) {
        if (!type.supportsPrefixes()) {
            throw Errors.invalid("Prefix delegation on interface " + eniId + " needs an instance built on the Nitro"
                    + " System; " + type.name() + " is not.");
        }
    }

    private void requireIpv4Slots(Eni eni, int more) {
        Optional<InstanceType> type = state.typeOf(eni);
        if (type.isPresent() && eni.ipv4SlotsUsed() + more > type.get().ipv4PerEni()) {
            throw Errors.addressLimit(eni.id);
        }
    }

    private static void requirePositive(int count, String parameter) {
        if (count <= 0) {
            throw Errors.invalid("Invalid value '" + count + "' for " + parameter + ". It must be a positive number.");
        }
    }

    /** A prefix of exactly {@code length} bits, aligned, inside the ENI's subnet; anything else is the caller's mistake. */
    private static Cidr prefixIn(Eni eni, String text, String parameter, int length) {
        Cidr prefix;
        try {
            prefix = Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw Errors.invalid("Invalid value '" + text + "' for " + parameter + ": " + e.getMessage());
        }
        boolean ipv4 = length == 28;
        if (prefix.isIpv4() != ipv4 || prefix.prefixLength() != length) {
            throw Errors.invalid("Invalid value '" + text + "' for " + parameter + ": it must be an IPv"
                    + (ipv4 ? "4" : "6") + " /" + length + " prefix.");
        }
        String block = ipv4 ? eni.subnet.cidrBlock() : eni.subnet.ipv6CidrBlock().orElseThrow();
        if (!Cidr.parse(block).contains(prefix)) {
            throw Errors.invalid("The prefix " + text + " does not fall within the range of subnet " + eni.subnet.id()
                    + " (" + block + ").");
        }
        return prefix;
    }

    /** The offset of a usable address of the ENI's subnet; anything else is the caller's mistake. */
    private static int offsetIn(Eni eni, String text) {
        OptionalLong address = Ipv4.parse(text);
        if (address.isEmpty()) {
            throw Errors.invalid("Invalid value '" + text + "' for PrivateIpAddress.");
        }
        OptionalInt offset = eni.subnet.offsetOf(address.getAsLong());
        if (offset.isEmpty() || eni.subnet.reserved(offset.getAsInt())) {
            throw Errors.invalid("Address " + text + " does not fall within the subnet's address range or is reserved.");
        }
        return offset.getAsInt();
    }
}
