package dev.podnet.blocks;

import dev.podnet.ipam.IpRange;
import dev.podnet.net.Cidr;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalInt;

/**
 * Where a pool's blocks live in the store and which addresses they cover. Block {@code i} is the i-th aligned
 * {@code /blockLength} of the pool, so blocks partition the pool: no address is in two blocks.
 * Keys: {@code /podnet/pools/<pool>/blocks/<a.b.c.d>-<len>}, as flannel names its subnet leases.
 */
final class BlockLayout {
    static final String NODES = "/podnet/nodes/";

    private final BlockPoolConfig config;
    private final String prefix;
    private final long base;
    private final int size;
    /** Each range's first and last address, as IPv4 longs. */
    private final long[][] ranges;
    private final BitSet reservedOffsets = new BitSet();
    private final long reservedLow;

    BlockLayout(BlockPoolConfig config) {
        this.config = config;
        this.prefix = "/podnet/pools/" + config.pool() + "/blocks/";
        this.base = config.cidr().network().getLower().toIPv4().longValue();
        this.size = config.blockSize();
        this.ranges = config.ranges().stream().map(r -> new long[] {r.rangeStart().toIPv4().longValue(),
                r.rangeEnd().toIPv4().longValue()}).toArray(long[][]::new);
        // The engine never hands these out (network, broadcast, gateway, excluded): nobody reserves them either.
        this.reservedLow = base;
        for (IpRange r : config.ranges()) {
            mark(r.gateway());
            r.excluded().forEach(this::mark);
        }
    }

    private boolean inRanges(long a) {
        for (long[] r : ranges) {
            if (a >= r[0] && a <= r[1]) {
                return true;
            }
        }
        return false;
    }

    private void mark(IPAddress a) {
        long off = a.toIPv4().longValue() - reservedLow;
        if (off >= 0 && off < (long) size * config.blockCount()) {
            reservedOffsets.set((int) off);
        }
    }

    static String nodeKey(String node) {
        return NODES + node;
    }

    String prefix() {
        return prefix;
    }

    int size() {
        return size;
    }

    int count() {
        return config.blockCount();
    }

    Cidr cidr(int index) {
        return new Cidr(address(index, 0).toPrefixBlock(config.blockLength()));
    }

    String key(int index) {
        return prefix + address(index, 0).toCanonicalString() + "-" + config.blockLength();
    }

    /** The block index a key names, or empty for a key that is not one of this pool's blocks. */
    OptionalInt index(String key) {
        if (!key.startsWith(prefix)) {
            return OptionalInt.empty();
        }
        String rest = key.substring(prefix.length());
        int dash = rest.lastIndexOf('-');
        if (dash < 0 || !rest.substring(dash + 1).equals(Integer.toString(config.blockLength()))) {
            return OptionalInt.empty();
        }
        IPAddress a = new IPAddressString(rest.substring(0, dash)).getAddress();
        if (a == null || !a.isIPv4()) {
            return OptionalInt.empty();
        }
        long off = a.toIPv4().longValue() - base;
        if (off < 0 || off % size != 0 || off / size >= config.blockCount()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) (off / size));
    }

    IPAddress address(int index, int offset) {
        return new IPv4Address((int) (base + (long) index * size + offset));
    }

    /** The block index of an address of the pool, or -1 outside it. */
    int indexOf(IPAddress a) {
        long off = offsetInPool(a);
        return off < 0 ? -1 : (int) (off / size);
    }

    int offsetOf(IPAddress a) {
        return (int) (offsetInPool(a) % size);
    }

    private long offsetInPool(IPAddress a) {
        if (!a.isIPv4()) {
            return -1;
        }
        long off = a.toIPv4().longValue() - base;
        return off >= 0 && off < (long) size * config.blockCount() ? off : -1;
    }

    List<IPAddress> addresses(int index, BitSet bits) {
        List<IPAddress> list = new ArrayList<>(bits.cardinality());
        bits.stream().forEach(o -> list.add(address(index, o)));
        return list;
    }

    /** Offsets of block {@code index} that the engine would refuse: nobody ever reserves them. */
    BitSet unusable(int index) {
        BitSet bits = new BitSet(size);
        long first = base + (long) index * size;
        for (int i = 0; i < size; i++) {
            long a = first + i;
            if (!inRanges(a) || reservedOffsets.get((int) (a - reservedLow))) {
                bits.set(i);
            }
        }
        return bits;
    }
}
