package dev.podnet.vpcsim.fabric;

import java.util.List;

/**
 * One attached ENI as the fabric wires it: a veth whose end {@code routerDevice} is in the router and whose end
 * {@code ethN} is in the instance's namespace with the ENI's MAC. The wiring fields decide whether the veth must be
 * made again; the addresses only decide routes and filter rules.
 *
 * @param primaryCidr the primary address with the subnet's prefix length, what the instance puts on eth0
 * @param gateway     the subnet's ".1", which the router answers on this veth
 * @param ipv6        whether the subnet has IPv6, so the router's veth gets the IPv6 gateway {@link #IPV6_GATEWAY}
 * @param ipv4        every IPv4 address and prefix assigned (primary and secondaries as /32, /28 prefixes)
 * @param ipv6Prefixes the /80 prefixes assigned
 */
public record EniPort(String eniId, String routerDevice, String instanceId, int deviceIndex, String mac,
                      String primaryCidr, String gateway, boolean ipv6, List<String> ipv4, List<String> ipv6Prefixes) {
    /**
     * The IPv6 gateway on every router veth: a fixed link-local address, as AWS's router is a link-local one too.
     * A fixed one, unlike the veth's EUI-64 address, lets a node agent (or a test) write its default route before
     * it has seen the router.
     */
    public static final String IPV6_GATEWAY = "fe80::1";

    /**
     * The next hop of every IPv4 route to an ENI: a link-local address that the router resolves, permanently, to the
     * ENI's MAC. EC2 delivers a packet for any address or prefix assigned to an ENI to that ENI without asking the
     * instance (which answers ARP for its own addresses only: a node's pod addresses live behind veths), so the
     * router must not ARP for them either.
     */
    public static final String IPV4_DELIVERY_HOP = "169.254.0.2";

    /** {@link #IPV4_DELIVERY_HOP} for IPv6: the next hop of every route to an ENI's /80 prefixes. */
    public static final String IPV6_DELIVERY_HOP = "fe80::2";

    /** The ENI's MTU in EC2 (jumbo frames inside a VPC). */
    public static final int MTU = 9001;

    public EniPort {
        ipv4 = List.copyOf(ipv4);
        ipv6Prefixes = List.copyOf(ipv6Prefixes);
    }

    public String instanceDevice() {
        return FabricNames.instanceDevice(deviceIndex);
    }

    /** The part that, when it changes, means a new veth (attached elsewhere, another device index...). */
    Wiring wiring() {
        return new Wiring(routerDevice, instanceId, deviceIndex, mac, primaryCidr, gateway, ipv6);
    }

    record Wiring(String routerDevice, String instanceId, int deviceIndex, String mac, String primaryCidr,
                  String gateway, boolean ipv6) {
    }
}
