package dev.podnet.ipam;

import inet.ipaddr.IPAddress;
import java.util.Optional;

/**
 * One address of an allocation with what a CNI result needs beside it.
 *
 * @param address      the address handed out
 * @param prefixLength the prefix length of its range's subnet; the full length (/32, /128) if the range that
 *                     held it has since been removed from the configuration
 * @param gateway      the range's gateway; empty in that same case
 */
public record AssignedAddress(IPAddress address, int prefixLength, Optional<IPAddress> gateway) {

    /** "10.0.0.5/24", the form of a CNI result's {@code ips[].address}. */
    public String cidrText() {
        return Addresses.text(address) + "/" + prefixLength;
    }

    @Override
    public String toString() {
        return cidrText();
    }
}
