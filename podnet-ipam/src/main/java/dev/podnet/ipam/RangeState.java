package dev.podnet.ipam;

import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.LongStream;

/**
 * The live state of one {@link IpRange}: which offsets from rangeStart are taken. Reserved addresses (network,
 * IPv4 broadcast, gateway, excluded) are set in the bitmap once and never cleared, so the search skips them for
 * free; quarantined addresses also stay set until their quarantine ends.
 */
final class RangeState {

    /** Offsets and counts stay in a long; no pod network needs more addresses than this in one range. */
    static final long MAX_SPAN = 1L << 62;

    final IpRange range;
    final String pool;
    final int index;
    final boolean ipv4;
    private final BigInteger start;
    private final long startV4;
    private final OffsetBitmap taken;
    private final OffsetOwners owners;
    /** Sorted; only looked up for addresses asked for by name (the search skips them through the bitmap). */
    private final long[] reserved;
    private final Optional<IPAddress> gateway;
    long used;
    long quarantined;

    RangeState(String pool, int index, IpRange range) {
        this.range = range;
        this.pool = pool;
        this.index = index;
        this.ipv4 = range.isIpv4();
        this.start = range.rangeStart().getValue();
        this.startV4 = ipv4 ? range.rangeStart().toIPv4().longValue() : 0;
        this.taken = new OffsetBitmap(range.span().min(BigInteger.valueOf(MAX_SPAN)).longValueExact());
        this.owners = new OffsetOwners(taken.capacity());
        this.gateway = Optional.of(range.gateway());
        LongStream.Builder never = LongStream.builder();
        never.add(offsetOf(range.subnet().network().getLower().withoutPrefixLength()));
        if (ipv4) {
            never.add(offsetOf(range.subnet().network().getUpper().withoutPrefixLength()));
        }
        never.add(offsetOf(range.gateway()));
        range.excluded().forEach(a -> never.add(offsetOf(a)));
        this.reserved = never.build().filter(offset -> offset >= 0).sorted().distinct().toArray();
        for (long offset : reserved) {
            taken.set(offset);
        }
    }

    /** Addresses that can ever be handed out. */
    long total() {
        return taken.capacity() - reserved.length;
    }

    long free() {
        return total() - used - quarantined;
    }

    /** The offset of {@code address} in this range, or -1 if it lies outside. */
    long offsetOf(IPAddress address) {
        if (address.isIPv4() != ipv4) {
            return -1;
        }
        long offset;
        if (ipv4) {
            offset = address.toIPv4().longValue() - startV4;
        } else {
            BigInteger d = address.getValue().subtract(start);
            offset = d.signum() < 0 || d.bitLength() > 62 ? -1 : d.longValue();
        }
        return offset >= 0 && offset < taken.capacity() ? offset : -1;
    }

    IPAddress addressAt(long offset) {
        if (ipv4) {
            return new IPv4Address((int) (startV4 + offset));
        }
        return new IPv6Address(start.add(BigInteger.valueOf(offset)));
    }

    AssignedAddress assigned(long offset) {
        return new AssignedAddress(addressAt(offset), range.subnet().prefixLength(), gateway);
    }

    boolean isReserved(long offset) {
        return Arrays.binarySearch(reserved, offset) >= 0;
    }

    /** Why {@code offset} can never be handed out, or null if it can. */
    String reservedWhy(long offset) {
        if (!isReserved(offset)) {
            return null;
        }
        IPAddress a = addressAt(offset);
        if (a.equals(range.gateway())) {
            return "the gateway of " + range.subnet();
        }
        return range.excluded().contains(a) ? "excluded from " + range.subnet()
                : "the network or broadcast address of " + range.subnet();
    }

    boolean isTaken(long offset) {
        return taken.get(offset);
    }

    void take(long offset) {
        if (!taken.set(offset)) {
            throw new IllegalStateException(addressAt(offset) + " is taken already");
        }
    }

    /** Never reaches a reserved offset: those are set from the start, so {@link #take} refuses them. */
    void free(long offset) {
        if (!taken.clear(offset)) {
            throw new IllegalStateException(addressAt(offset) + " was not taken");
        }
    }

    /** The attachment that holds {@code offset}, or null if none does (free, quarantined or reserved). */
    AttachmentKey owner(long offset) {
        return owners.get(offset);
    }

    void own(long offset, AttachmentKey key) {
        owners.put(offset, key);
    }

    void disown(long offset) {
        owners.remove(offset);
    }

    /** The first offset at or after {@code from} that is not taken, reserved or quarantined; -1 if none. */
    long nextFree(long from) {
        return taken.nextClear(from);
    }

    long capacity() {
        return taken.capacity();
    }

    @Override
    public String toString() {
        return range.toString();
    }
}
