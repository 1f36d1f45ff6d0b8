package dev.podnet.cloud.sim;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.Subnet;
import dev.podnet.net.Cidr;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;

/**
 * The addresses of one subnet: which are reserved, taken singly (and by which ENI), or taken as part of a /28
 * prefix; and which IPv6 /80 prefixes of its /64 are delegated. Single addresses are drawn at random among the free
 * ones, as EC2 does, which is what fragments a subnet so that no aligned /28 is left.
 */
final class SubnetPool {
    /** EC2 reserves the network address, the next three (router, DNS, future use) and the last address. */
    static final int RESERVED_AT_START = 4;
    private static final int PREFIX_SIZE = 16;
    private static final int IPV6_PREFIXES = 1 << 16;
    /** Random draws before falling back to a scan: enough to stay scattered, bounded when the subnet is nearly full. */
    private static final int PROBES = 8;

    private final SubnetSpec spec;
    private final String vpcId;
    private final long base;
    private final int size;
    private final BitSet taken;
    private final Map<Integer, String> addressOwner = new HashMap<>();
    private final Map<Integer, String> prefixOwner = new HashMap<>();
    private final Optional<Cidr> ipv6;
    private final Map<Integer, String> ipv6PrefixOwner = new HashMap<>();
    /** Mutable: CreateTags adds to it. */
    final Map<String, String> tags;
    /** Offsets inside any CIDR reservation: EC2 never hands them out as single addresses. */
    private final BitSet reservedRanges;
    /** Offsets inside a "prefix" reservation: once there is one, /28 prefixes come only from these. */
    private final BitSet prefixRanges;

    SubnetPool(SubnetSpec spec, String vpcId) {
        this.spec = spec;
        this.vpcId = vpcId;
        String[] parts = spec.cidrBlock().split("/");
        this.base = Ipv4.parse(parts[0]).orElseThrow();
        this.size = 1 << (32 - Integer.parseInt(parts[1]));
        this.taken = new BitSet(size);
        taken.set(0, RESERVED_AT_START);
        taken.set(size - 1);
        this.ipv6 = spec.ipv6CidrBlock().map(Cidr::parse);
        this.tags = new java.util.LinkedHashMap<>(spec.tags());
        this.reservedRanges = new BitSet(size);
        this.prefixRanges = new BitSet(size);
    }

    String cidrBlock() {
        return spec.cidrBlock();
    }

    /** Whether any ENI holds an address or prefix here. */
    boolean inUse() {
        return !addressOwner.isEmpty() || !prefixOwner.isEmpty() || !ipv6PrefixOwner.isEmpty();
    }

    /** Marks the offsets of a CIDR reservation, [from, to); a prefix reservation also feeds prefix delegation. */
    void reserve(int from, int to, boolean prefix) {
        reservedRanges.set(from, to);
        if (prefix) {
            prefixRanges.set(from, to);
        }
    }

    String id() {
        return spec.id();
    }

    String vpcId() {
        return vpcId;
    }

    String availabilityZone() {
        return spec.availabilityZone();
    }

    Optional<String> ipv6CidrBlock() {
        return spec.ipv6CidrBlock();
    }

    boolean hasIpv6() {
        return ipv6.isPresent();
    }

    long available() {
        return size - taken.cardinality();
    }

    Subnet toSubnet() {
        return new Subnet(spec.id(), vpcId, spec.availabilityZone(), spec.cidrBlock(), spec.ipv6CidrBlock(),
                available(), Map.copyOf(tags));
    }

    String address(int offset) {
        return Ipv4.format(base + offset);
    }

    /** The offset of {@code address} in this subnet, if it lies inside it. */
    OptionalInt offsetOf(long address) {
        long offset = address - base;
        return offset >= 0 && offset < size ? OptionalInt.of((int) offset) : OptionalInt.empty();
    }

    boolean reserved(int offset) {
        return offset < RESERVED_AT_START || offset == size - 1;
    }

    /** The ENI holding this single address, if one does. */
    Optional<String> ownerOf(int offset) {
        return Optional.ofNullable(addressOwner.get(offset));
    }

    /** The ENI whose /28 prefix covers this address, if one does. */
    Optional<String> prefixOwnerOf(int offset) {
        return Optional.ofNullable(prefixOwner.get(offset / PREFIX_SIZE));
    }

    /** Takes {@code count} free addresses at random for {@code eniId}, or none if there are not enough. */
    List<Integer> takeAddresses(int count, String eniId, Random random) {
        BitSet blocked = (BitSet) taken.clone();
        blocked.or(reservedRanges);
        if (size - blocked.cardinality() < count) {
            throw new CloudException(Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET,
                    "The specified subnet " + spec.id() + " does not have enough free addresses to satisfy the request.");
        }
        List<Integer> picked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int offset = pickFree(random, blocked);
            take(offset, eniId);
            blocked.set(offset);
            picked.add(offset);
        }
        return picked;
    }

    private int pickFree(Random random, BitSet blocked) {
        for (int i = 0; i < PROBES; i++) {
            int candidate = random.nextInt(size);
            if (!blocked.get(candidate)) {
                return candidate;
            }
        }
        int next = blocked.nextClearBit(random.nextInt(size));
        return next < size ? next : blocked.nextClearBit(0);
    }

    void take(int offset, String eniId) {
        taken.set(offset);
        addressOwner.put(offset, eniId);
    }

    void release(int offset) {
        taken.clear(offset);
        addressOwner.remove(offset);
    }

    /** Hands a single address from one ENI to another (AllowReassignment). */
    void reassign(int offset, String eniId) {
        addressOwner.put(offset, eniId);
    }

    /**
     * Takes {@code count} aligned /28 blocks whose 16 addresses are all free, chosen at random among those free;
     * returns their block indexes. Once the subnet has "prefix" CIDR reservations, EC2 delegates prefixes only from
     * inside them; without one, from anywhere outside the "explicit" reservations.
     */
    List<Integer> takePrefixes(int count, String eniId, Random random) {
        boolean fromReservations = !prefixRanges.isEmpty();
        List<Integer> free = new ArrayList<>();
        for (int block = 0; block < size / PREFIX_SIZE; block++) {
            int start = block * PREFIX_SIZE;
            int end = start + PREFIX_SIZE;
            int firstTaken = taken.nextSetBit(start);
            boolean allowed = fromReservations ? prefixRanges.nextClearBit(start) >= end
                    : reservedRanges.nextSetBit(start) < 0 || reservedRanges.nextSetBit(start) >= end;
            if (allowed && (firstTaken < 0 || firstTaken >= end)) {
                free.add(block);
            }
        }
        if (free.size() < count) {
            if (available() == 0) {
                throw new CloudException(Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET,
                        "The specified subnet " + spec.id() + " does not have enough free addresses to satisfy the request.");
            }
            throw new CloudException(Ec2Error.INSUFFICIENT_CIDR_BLOCKS,
                    "The specified subnet " + spec.id() + " does not have enough free cidr blocks to satisfy the request.");
        }
        List<Integer> picked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int block = free.remove(random.nextInt(free.size()));
            taken.set(block * PREFIX_SIZE, (block + 1) * PREFIX_SIZE);
            prefixOwner.put(block, eniId);
            picked.add(block);
        }
        return picked;
    }

    /** Whether all 16 addresses of the /28 block are free (none reserved by EC2, held singly or by a prefix). */
    boolean prefixFree(int block) {
        int firstTaken = taken.nextSetBit(block * PREFIX_SIZE);
        return firstTaken < 0 || firstTaken >= (block + 1) * PREFIX_SIZE;
    }

    /** Takes one /28 block the caller named; the caller has checked {@link #prefixFree}. */
    void takePrefix(int block, String eniId) {
        taken.set(block * PREFIX_SIZE, (block + 1) * PREFIX_SIZE);
        prefixOwner.put(block, eniId);
    }

    void releasePrefix(int block) {
        taken.clear(block * PREFIX_SIZE, (block + 1) * PREFIX_SIZE);
        prefixOwner.remove(block);
    }

    String prefix(int block) {
        return address(block * PREFIX_SIZE) + "/28";
    }

    /** The block index of a /28 prefix text inside this subnet, if it is one. */
    OptionalInt blockOf(String prefix) {
        String[] parts = prefix == null ? new String[0] : prefix.split("/", -1);
        if (parts.length != 2 || !parts[1].equals("28")) {
            return OptionalInt.empty();
        }
        OptionalLong address = Ipv4.parse(parts[0]);
        OptionalInt offset = address.isPresent() ? offsetOf(address.getAsLong()) : OptionalInt.empty();
        return offset.isPresent() && offset.getAsInt() % PREFIX_SIZE == 0
                ? OptionalInt.of(offset.getAsInt() / PREFIX_SIZE) : OptionalInt.empty();
    }

    /** Takes {@code count} free /80 prefixes of the subnet's /64 at random; the first and last hold reserved addresses. */
    List<Integer> takeIpv6Prefixes(int count, String eniId, Random random) {
        int free = IPV6_PREFIXES - 2 - ipv6PrefixOwner.size();
        if (free < count) {
            throw new CloudException(Ec2Error.INSUFFICIENT_CIDR_BLOCKS,
                    "The specified subnet " + spec.id() + " does not have enough free cidr blocks to satisfy the request.");
        }
        List<Integer> picked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = random.nextInt(1, IPV6_PREFIXES - 1);
            while (ipv6PrefixOwner.containsKey(index)) {
                index = index + 1 < IPV6_PREFIXES - 1 ? index + 1 : 1;
            }
            ipv6PrefixOwner.put(index, eniId);
            picked.add(index);
        }
        return picked;
    }

    /** Whether the /80 at {@code index} may be delegated: not the first or last (they hold reserved addresses), not held. */
    boolean ipv6PrefixFree(int index) {
        return index > 0 && index < IPV6_PREFIXES - 1 && !ipv6PrefixOwner.containsKey(index);
    }

    /** Takes one /80 the caller named; the caller has checked {@link #ipv6PrefixFree}. */
    void takeIpv6Prefix(int index, String eniId) {
        ipv6PrefixOwner.put(index, eniId);
    }

    void releaseIpv6Prefix(int index) {
        ipv6PrefixOwner.remove(index);
    }

    String ipv6Prefix(int index) {
        return ipv6.orElseThrow().subnet(80, index).toString();
    }

    /** The index of an /80 prefix text inside this subnet's /64, if it is one. */
    OptionalInt ipv6IndexOf(String prefix) {
        if (ipv6.isEmpty()) {
            return OptionalInt.empty();
        }
        Cidr parsed;
        try {
            parsed = Cidr.parse(prefix);
        } catch (IllegalArgumentException e) {
            return OptionalInt.empty();
        }
        if (parsed.isIpv4() || parsed.prefixLength() != 80 || !ipv6.get().contains(parsed)) {
            return OptionalInt.empty();
        }
        int index = parsed.network().getLower().getValue()
                .subtract(ipv6.get().network().getLower().getValue()).shiftRight(48).intValueExact();
        return OptionalInt.of(index);
    }
}
