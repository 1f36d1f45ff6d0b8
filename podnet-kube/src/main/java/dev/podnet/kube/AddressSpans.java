package dev.podnet.kube;

import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressSeqRange;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The address syntax of an IPPool's {@code ips} and {@code excludeIPs} ("10.0.0.5", "10.0.0.5-10.0.0.9", and
 * podnet's "10.0.4.0/22"), and set arithmetic on the intervals they stand for. Intervals, never address lists:
 * a /10 or an IPv6 /64 is two numbers, whatever its size.
 */
final class AddressSpans {
    private static final IPAddressStringParameters STRICT = Cidr.STRICT_ADDRESS;

    private AddressSpans() {
    }

    static String family(int ipVersion) {
        return ipVersion == 4 ? "IPv4" : "IPv6";
    }

    /** One address of the given version; {@code where} names the field, e.g. {@code IPPool "blue": spec.gateway}. */
    static IPAddress address(String text, int ipVersion, String where) {
        IPAddress a = new IPAddressString(text.strip(), STRICT).getAddress();
        if (a == null || a.isMultiple() || a.isIPv4() != (ipVersion == 4)) {
            throw new InvalidInputException(where + " \"" + text + "\" is not an " + family(ipVersion) + " address");
        }
        return a.withoutPrefixLength();
    }

    /** One {@code ips}/{@code excludeIPs} entry as an interval inside {@code subnet}. */
    static IPAddressSeqRange span(String text, Cidr subnet, int ipVersion, String where) {
        IPAddressSeqRange range;
        if (text.contains("/")) {
            Cidr cidr;
            try {
                cidr = Cidr.parse(text);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(where + ": " + e.getMessage());
            }
            if (cidr.isIpv4() != (ipVersion == 4)) {
                throw new InvalidInputException(where + " \"" + text + "\" is not an " + family(ipVersion) + " CIDR");
            }
            range = cidr.network().toSequentialRange();
        } else {
            int dash = text.indexOf('-');
            if (dash < 0) {
                IPAddress a = address(text, ipVersion, where);
                range = a.spanWithRange(a);
            } else {
                IPAddress first = address(text.substring(0, dash), ipVersion, where);
                IPAddress last = address(text.substring(dash + 1), ipVersion, where);
                if (first.getValue().compareTo(last.getValue()) > 0) {
                    throw new InvalidInputException(where + " \"" + text + "\": " + first.toCanonicalString()
                            + " is after " + last.toCanonicalString());
                }
                range = first.spanWithRange(last);
            }
        }
        if (!subnet.network().contains(range.getLower()) || !subnet.network().contains(range.getUpper())) {
            throw new InvalidInputException(where + " \"" + text + "\" is not inside the subnet " + subnet);
        }
        return range;
    }

    /** The union of {@code ranges} as disjoint intervals in address order, adjacent ones merged. */
    static List<IPAddressSeqRange> union(List<IPAddressSeqRange> ranges) {
        IPAddressSeqRange[] joined = IPAddressSeqRange.join(ranges.toArray(IPAddressSeqRange[]::new));
        return Arrays.stream(joined).sorted((a, b) -> a.getLower().getValue().compareTo(b.getLower().getValue()))
                .toList();
    }

    /** {@code from} minus every interval of {@code minus}; the result stays disjoint and in order. */
    static List<IPAddressSeqRange> subtract(List<IPAddressSeqRange> from, List<IPAddressSeqRange> minus) {
        List<IPAddressSeqRange> left = from;
        for (IPAddressSeqRange m : minus) {
            List<IPAddressSeqRange> next = new ArrayList<>();
            for (IPAddressSeqRange r : left) {
                IPAddressSeqRange[] rest = r.subtract(m);
                if (rest != null) {
                    next.addAll(Arrays.asList(rest));
                }
            }
            left = next;
        }
        return left;
    }

    /** The text an entry is written in: one address, or "first-last". */
    static String text(IPAddressSeqRange r) {
        String first = r.getLower().withoutPrefixLength().toCanonicalString();
        return r.getCount().equals(BigInteger.ONE) ? first
                : first + "-" + r.getUpper().withoutPrefixLength().toCanonicalString();
    }
}
