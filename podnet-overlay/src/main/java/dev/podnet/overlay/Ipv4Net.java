package dev.podnet.overlay;

import dev.podnet.net.InvalidInputException;

/**
 * An IPv4 network as flannel handles it: a 32-bit address and a prefix length, with the arithmetic that subnet
 * leasing needs (next block, overlap, the n-th address). Parsing is strict dotted-quad.
 *
 * @param address the network address as an unsigned 32-bit value in a long
 */
public record Ipv4Net(long address, int prefixLength) implements Comparable<Ipv4Net> {
    public Ipv4Net {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new InvalidInputException("prefix length /" + prefixLength + " is not between 0 and 32");
        }
        if (address < 0 || address > 0xffff_ffffL) {
            throw new IllegalArgumentException("not an IPv4 address value: " + address);
        }
        if ((address & ~mask(prefixLength)) != 0) {
            throw new InvalidInputException(format(address) + "/" + prefixLength + " has host bits set; did you mean "
                    + format(address & mask(prefixLength)) + "/" + prefixLength + "?");
        }
    }

    /** {@code "10.5.0.0/16"}; host bits must be zero. */
    public static Ipv4Net parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new InvalidInputException("\"" + cidr + "\" is not an IPv4 CIDR: the prefix length (/16) is missing");
        }
        String len = cidr.substring(slash + 1);
        if (!len.matches("\\d{1,2}")) {
            throw new InvalidInputException("\"" + cidr + "\" is not an IPv4 CIDR: bad prefix length");
        }
        return new Ipv4Net(parseAddress(cidr.substring(0, slash)), Integer.parseInt(len));
    }

    /** A dotted quad as an unsigned value. */
    public static long parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new InvalidInputException("\"" + text + "\" is not an IPv4 address");
        }
        long value = 0;
        for (String p : parts) {
            if (!p.matches("0|[1-9]\\d{0,2}") || Integer.parseInt(p) > 255) {
                throw new InvalidInputException("\"" + text + "\" is not an IPv4 address");
            }
            value = value << 8 | Integer.parseInt(p);
        }
        return value;
    }

    public static String format(long address) {
        return (address >>> 24 & 0xff) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    static long mask(int prefixLength) {
        return prefixLength == 0 ? 0 : 0xffff_ffffL << (32 - prefixLength) & 0xffff_ffffL;
    }

    /** How many addresses the block holds. */
    public long size() {
        return 1L << (32 - prefixLength);
    }

    /** The network address, dotted ({@code 10.5.52.0}). */
    public String ip() {
        return format(address);
    }

    /** The {@code n}-th address of the block, dotted: {@code host(1)} is the first usable address. */
    public String host(long n) {
        if (n < 0 || n >= size()) {
            throw new IllegalArgumentException("address " + n + " is outside " + this);
        }
        return format(address + n);
    }

    public boolean contains(long ip) {
        return (ip & mask(prefixLength)) == address;
    }

    public boolean overlaps(Ipv4Net other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        return (address & mask(shorter)) == (other.address & mask(shorter));
    }

    /** The block of the same length right after this one. */
    public Ipv4Net next() {
        return new Ipv4Net(address + size(), prefixLength);
    }

    @Override
    public int compareTo(Ipv4Net o) {
        int c = Long.compare(address, o.address);
        return c != 0 ? c : Integer.compare(prefixLength, o.prefixLength);
    }

    @Override
    public String toString() {
        return ip() + "/" + prefixLength;
    }
}
