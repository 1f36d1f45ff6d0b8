package dev.podnet.ipam;

import inet.ipaddr.AddressStringParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4AddressStringParameters;

/** Strict parsing and canonical text of single addresses, shared by the configuration and the journal codec. */
final class Addresses {

    /** Same strictness as {@code Cidr}: a typo must not silently become another address. */
    private static final IPAddressStringParameters STRICT = strict();

    private Addresses() {
    }

    private static IPAddressStringParameters strict() {
        IPAddressStringParameters.Builder builder = new IPAddressStringParameters.Builder()
                .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowMask(false).allowPrefix(false);
        IPv4AddressStringParameters.Builder v4 = builder.getIPv4AddressParametersBuilder();
        v4.allow_inet_aton(false);
        v4.allowLeadingZeros(false);
        v4.setRangeOptions(AddressStringParameters.RangeParameters.NO_RANGE);
        builder.getIPv6AddressParametersBuilder().setRangeOptions(AddressStringParameters.RangeParameters.NO_RANGE)
                .allowZone(false);
        return builder.toParams();
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
