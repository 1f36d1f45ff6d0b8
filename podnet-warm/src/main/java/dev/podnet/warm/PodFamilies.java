package dev.podnet.warm;

/**
 * The address families pods get (ENABLE_IPv4, ENABLE_IPv6): IPv4 from the warm pool's ENI addresses, IPv6 from a /80
 * prefix on the primary ENI. The VPC CNI allows one at a time; both at once is dual stack.
 */
public enum PodFamilies {
    IPV4(true, false), IPV6(false, true), DUAL(true, true);

    private final boolean ipv4;
    private final boolean ipv6;

    PodFamilies(boolean ipv4, boolean ipv6) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    public static PodFamilies of(boolean ipv4, boolean ipv6) {
        if (ipv4 && ipv6) {
            return DUAL;
        }
        if (ipv4 || ipv6) {
            return ipv4 ? IPV4 : IPV6;
        }
        throw new IllegalArgumentException("pods need at least one address family");
    }

    /** Whether the warm pool feeds IPv4 addresses from EC2. */
    public boolean ipv4() {
        return ipv4;
    }

    /** Whether pods get an IPv6 address from the primary ENI's /80. */
    public boolean ipv6() {
        return ipv6;
    }
}
