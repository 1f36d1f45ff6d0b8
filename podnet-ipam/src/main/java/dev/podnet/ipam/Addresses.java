package dev.podnet.ipam;

import dev.podnet.net.Cidr;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;

/** Strict parsing and canonical text of single addresses, shared by the configuration and the journal codec. */
final class Addresses {
    private static final IPAddressStringParameters STRICT = Cidr.STRICT_ADDRESS;

    private Addresses() {
    }

    /** One address, no prefix length; throws INVALID_REQUEST naming the text. */
    static IPAddress parse(String text) {
        IPAddress address = text == null ? null : new IPAddressString(text.strip(), STRICT).getAddress();
        if (address == null || address.isMultiple()) {
            throw IpamException.invalid("\"" + (text == null ? "" : AttachmentKey.printable(text))
                    + "\" is not a single IP address");
        }
        return address.withoutPrefixLength();
    }

    /** A single address without prefix, so that equality and text do not depend on how it was made. */
    static IPAddress normalise(IPAddress address) {
        if (address == null || address.isMultiple()) {
            throw IpamException.invalid(address + " is not a single IP address");
        }
        return address.withoutPrefixLength();
    }

    static String text(IPAddress address) {
        return address.toCanonicalString();
    }

    static String family(boolean ipv4) {
        return ipv4 ? "IPv4" : "IPv6";
    }
}
