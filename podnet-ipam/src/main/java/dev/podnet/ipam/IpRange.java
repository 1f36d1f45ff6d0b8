package dev.podnet.ipam;

import dev.podnet.net.Cidr;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of host-local's {@code ipam.ranges}: a subnet and the part of it to hand out.
 * Defaults are host-local's: the range starts at network + 1 and ends before the IPv4 broadcast address
 * (at the last address for IPv6); the gateway defaults to network + 1. The network address, the IPv4 broadcast
 * address, the gateway and every excluded address are never handed out. A range of more than 2^62 addresses
 * (an IPv6 /64) hands out only its first 2^62, which keeps offsets and counts in a {@code long}.
 *
 * @param subnet     the on-link subnet, which also gives the prefix length of the CNI result
 * @param rangeStart first address to hand out (inclusive)
 * @param rangeEnd   last address to hand out (inclusive)
 * @param gateway    the gateway reported to the CNI runtime
 * @param excluded   addresses inside the subnet never to hand out (routers, load balancers, ...)
 */
public record IpRange(Cidr subnet, IPAddress rangeStart, IPAddress rangeEnd, IPAddress gateway,
                      List<IPAddress> excluded) {

    /** The smallest usable blocks, as host-local: a /31 or /32 (/127, /128) has nothing to hand out. */
    private static final int MIN_HOST_BITS = 2;

    /** Canonicalises as host-local does; null start, end and gateway take the defaults. */
    public IpRange {
        Objects.requireNonNull(subnet, "subnet");
        int bits = subnet.network().getBitCount();
        if (subnet.prefixLength() > bits - MIN_HOST_BITS) {
            throw IpamException.invalid("network " + subnet + " is too small to allocate from");
        }
        IPAddress network = subnet.network().getLower().withoutPrefixLength();
        rangeStart = rangeStart == null ? network.increment(1) : inSubnet(subnet, "rangeStart", rangeStart);
        rangeEnd = rangeEnd == null ? lastUsable(subnet) : inSubnet(subnet, "rangeEnd", rangeEnd);
        gateway = gateway == null ? network.increment(1) : inSubnet(subnet, "gateway", gateway);
        if (rangeStart.getValue().compareTo(rangeEnd.getValue()) > 0) {
            throw IpamException.invalid("range " + subnet + ": rangeStart " + rangeStart + " is after rangeEnd "
                    + rangeEnd);
        }
        List<IPAddress> checked = new ArrayList<>();
        for (IPAddress e : excluded == null ? List.<IPAddress>of() : excluded) {
            checked.add(inSubnet(subnet, "excluded address", e));
        }
        excluded = List.copyOf(checked);
    }

    /** The whole subnet with host-local's defaults. */
    public static IpRange of(String subnet) {
        return builder(subnet).build();
    }

    public static Builder builder(String subnet) {
        return new Builder(Cidr.parse(subnet));
    }

    public static Builder builder(Cidr subnet) {
        return new Builder(subnet);
    }

    public boolean isIpv4() {
        return subnet.isIpv4();
    }

    /** Number of addresses from rangeStart to rangeEnd, reserved ones included. */
    public BigInteger span() {
        return rangeEnd.getValue().subtract(rangeStart.getValue()).add(BigInteger.ONE);
    }

    public boolean overlaps(IpRange other) {
        return isIpv4() == other.isIpv4()
                && rangeStart.getValue().compareTo(other.rangeEnd.getValue()) <= 0
                && other.rangeStart.getValue().compareTo(rangeEnd.getValue()) <= 0;
    }

    @Override
    public String toString() {
        return subnet + " [" + rangeStart + " - " + rangeEnd + "]";
    }

    private static IPAddress lastUsable(Cidr subnet) {
        IPAddress last = subnet.network().getUpper().withoutPrefixLength();
        // IPv6 has no broadcast address, so host-local hands out the last address there.
        return subnet.isIpv4() ? last.increment(-1) : last;
    }

    private static IPAddress inSubnet(Cidr subnet, String what, IPAddress address) {
        IPAddress a = Addresses.normalise(address);
        if (a.isIPv4() != subnet.isIpv4() || !subnet.network().contains(a)) {
            throw IpamException.invalid(what + " " + a + " is outside " + subnet);
        }
        return a;
    }

    /** Validates each value as it is set, so a bad one is reported with its name. */
    public static final class Builder {
        private final Cidr subnet;
        private IPAddress start;
        private IPAddress end;
        private IPAddress gateway;
        private final List<IPAddress> excluded = new ArrayList<>();

        private Builder(Cidr subnet) {
            this.subnet = Objects.requireNonNull(subnet, "subnet");
        }

        public Builder rangeStart(String address) {
            start = inSubnet(subnet, "rangeStart", Addresses.parse(address));
            return this;
        }

        public Builder rangeEnd(String address) {
            end = inSubnet(subnet, "rangeEnd", Addresses.parse(address));
            return this;
        }

        public Builder gateway(String address) {
            gateway = inSubnet(subnet, "gateway", Addresses.parse(address));
            return this;
        }

        public Builder exclude(String... addresses) {
            for (String a : addresses) {
                excluded.add(inSubnet(subnet, "excluded address", Addresses.parse(a)));
            }
            return this;
        }

        public IpRange build() {
            return new IpRange(subnet, start, end, gateway, excluded);
        }
    }
}
