package dev.podnet.net;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.AddressStringParameters;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4AddressStringParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;

/**
 * An IPv4 or IPv6 network in canonical form: a prefix length and an address whose host bits are zero.
 * Parsing is strict because a typo in a CIDR silently moves a subnet: {@code 10.0.0.1/16} is refused with a hint.
 */
public record Cidr(IPAddress network) implements Comparable<Cidr> {
    /** Dotted quads and RFC 5952 text only: no inet_aton forms ("10.0.0/16"), wildcards, ranges or masks. */
    private static final IPAddressStringParameters STRICT = strictParameters(true);
    /**
     * The same for one address without a prefix length or zone, wherever podnet reads one: a typo ("10.0.0.01",
     * "10.1") must not silently become another address.
     */
    public static final IPAddressStringParameters STRICT_ADDRESS = strictParameters(false);

    private static IPAddressStringParameters strictParameters(boolean prefix) {
        IPAddressStringParameters.Builder builder = new IPAddressStringParameters.Builder()
                .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowMask(false).allowPrefix(prefix);
        IPv4AddressStringParameters.Builder v4 = builder.getIPv4AddressParametersBuilder();
        v4.allow_inet_aton(false);
        v4.allowLeadingZeros(false);
        v4.setRangeOptions(AddressStringParameters.RangeParameters.NO_RANGE);
        builder.getIPv6AddressParametersBuilder().setRangeOptions(AddressStringParameters.RangeParameters.NO_RANGE)
                .allowZone(prefix);
        return builder.toParams();
    }

    public Cidr {
        if (network.getNetworkPrefixLength() == null) {
            throw new InvalidInputException(network + " has no prefix length");
        }
    }

    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("empty CIDR");
        }
        String trimmed = text.strip();
        if (!trimmed.contains("/")) {
            throw new InvalidInputException("\"" + trimmed + "\" is not a CIDR: a prefix length such as /16 is missing");
        }
        IPAddress address;
        try {
            address = new IPAddressString(trimmed, STRICT).toAddress();
        } catch (AddressStringException e) {
            throw new InvalidInputException("\"" + trimmed + "\" is not a valid CIDR");
        }
        IPAddress network = address.toPrefixBlock();
        if (!address.getLower().equals(network.getLower())) {
            throw new InvalidInputException("\"" + trimmed + "\" has host bits set; did you mean "
                    + network.toCanonicalString() + "?");
        }
        return new Cidr(network);
    }

    public int prefixLength() {
        return network.getNetworkPrefixLength();
    }

    public boolean isIpv4() {
        return network.isIPv4();
    }

    /** Number of addresses in the block. */
    public BigInteger size() {
        return network.getCount();
    }

    /** Number of addresses, for IPv4 blocks (at most 2^32). */
    public long sizeV4() {
        if (!isIpv4()) {
            throw new IllegalStateException(this + " is not IPv4");
        }
        return 1L << (32 - prefixLength());
    }

    public boolean contains(Cidr other) {
        return isIpv4() == other.isIpv4() && network.contains(other.network);
    }

    public boolean overlaps(Cidr other) {
        return isIpv4() == other.isIpv4() && (network.contains(other.network) || other.network.contains(network));
    }

    /** The first address of the block, as text. */
    public String firstAddress() {
        return network.getLower().withoutPrefixLength().toCanonicalString();
    }

    /** The {@code index}-th block of length {@code newPrefix} inside this one. */
    public Cidr subnet(int newPrefix, long index) {
        if (newPrefix < prefixLength() || newPrefix > network.getBitCount()) {
            throw new InvalidInputException("cannot cut /" + newPrefix + " blocks out of " + this);
        }
        BigInteger offset = BigInteger.valueOf(index).shiftLeft(network.getBitCount() - newPrefix);
        BigInteger start = network.getLower().getValue().add(offset);
        IPAddress block = fromValue(start, newPrefix);
        if (!network.contains(block)) {
            throw new InvalidInputException("block " + index + " of /" + newPrefix + " lies outside " + this);
        }
        return new Cidr(block);
    }

    private IPAddress fromValue(BigInteger value, int prefix) {
        String text;
        if (isIpv4()) {
            long v = value.longValueExact();
            text = (v >>> 24 & 0xff) + "." + (v >>> 16 & 0xff) + "." + (v >>> 8 & 0xff) + "." + (v & 0xff) + "/" + prefix;
        } else {
            text = new inet.ipaddr.ipv6.IPv6Address(value).toCanonicalString() + "/" + prefix;
        }
        return new IPAddressString(text).getAddress().toPrefixBlock();
    }

    @Override
    public int compareTo(Cidr o) {
        if (isIpv4() != o.isIpv4()) {
            return isIpv4() ? -1 : 1;
        }
        int c = network.getLower().getValue().compareTo(o.network.getLower().getValue());
        return c != 0 ? c : Integer.compare(prefixLength(), o.prefixLength());
    }

    @Override
    public String toString() {
        return network.toCanonicalString();
    }
}
