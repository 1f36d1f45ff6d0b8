package dev.podnet.ipam;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named source of addresses: one range set per family, each tried in order as host-local tries the ranges of
 * one {@code ranges} entry. A pool with both families is dual stack: every allocation takes one address of each.
 */
public record Pool(String name, List<IpRange> ipv4, List<IpRange> ipv6) {

    private static final int MAX_NAME = 63;

    public Pool {
        requireName(name);
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
        if (ipv4.isEmpty() && ipv6.isEmpty()) {
            throw IpamException.invalid("pool " + name + " has no ranges");
        }
        requireFamily(name, ipv4, true);
        requireFamily(name, ipv6, false);
    }

    /** A pool from ranges of either family, kept in the given order within each family. */
    public static Pool of(String name, IpRange... ranges) {
        List<IpRange> v4 = new ArrayList<>();
        List<IpRange> v6 = new ArrayList<>();
        for (IpRange r : ranges) {
            (r.isIpv4() ? v4 : v6).add(r);
        }
        return new Pool(name, v4, v6);
    }

    public boolean isDualStack() {
        return !ipv4.isEmpty() && !ipv6.isEmpty();
    }

    /** The range sets that are configured, IPv4 first: the order in which one allocation takes its addresses. */
    List<List<IpRange>> rangeSets() {
        List<List<IpRange>> sets = new ArrayList<>(2);
        if (!ipv4.isEmpty()) {
            sets.add(ipv4);
        }
        if (!ipv6.isEmpty()) {
            sets.add(ipv6);
        }
        return sets;
    }

    /** Two pools sharing addresses would hand the same address out twice, so one engine's pools must not. */
    static void requireDisjoint(List<Pool> pools) {
        for (int i = 0; i < pools.size(); i++) {
            Pool p = pools.get(i);
            for (Pool q : pools.subList(0, i)) {
                if (p.name().equals(q.name())) {
                    throw IpamException.invalid("pool " + p.name() + " is configured twice");
                }
                for (IpRange a : p.all()) {
                    for (IpRange b : q.all()) {
                        if (a.overlaps(b)) {
                            throw IpamException.invalid("range " + a + " of pool " + p.name() + " overlaps range "
                                    + b + " of pool " + q.name());
                        }
                    }
                }
            }
        }
    }

    private List<IpRange> all() {
        List<IpRange> all = new ArrayList<>(ipv4);
        all.addAll(ipv6);
        return all;
    }

    /** Pool names go into the journal as one token, so they follow the container id's alphabet. */
    static void requireName(String name) {
        boolean ok = name != null && !name.isEmpty() && name.length() <= MAX_NAME;
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            ok = alnum || i > 0 && (c == '_' || c == '.' || c == '-');
        }
        if (!ok) {
            throw IpamException.invalid("pool name \"" + (name == null ? "" : AttachmentKey.printable(name))
                    + "\" must be 1 to " + MAX_NAME + " letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
    }

    private static void requireFamily(String name, List<IpRange> ranges, boolean ipv4) {
        for (int i = 0; i < ranges.size(); i++) {
            IpRange r = Objects.requireNonNull(ranges.get(i), "range");
            if (r.isIpv4() != ipv4) {
                throw IpamException.invalid("pool " + name + ": " + r + " is listed as " + Addresses.family(ipv4));
            }
            for (int j = 0; j < i; j++) {
                if (r.overlaps(ranges.get(j))) {
                    throw IpamException.invalid("pool " + name + ": range " + r + " overlaps " + ranges.get(j));
                }
            }
        }
    }
}
