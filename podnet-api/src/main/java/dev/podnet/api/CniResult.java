package dev.podnet.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The success result of ADD (SPEC.md section 5), holding the union of every supported version's fields.
 * Which fields reach the wire depends on the version it is written for: see {@link #restrictTo(String)} and
 * {@link ResultCodec#encode(CniResult, String)}. Addresses stay the text they were given (validated on construction),
 * so a result passed through from {@code prevResult} is echoed byte for byte.
 *
 * @param cniVersion the version this result was produced for; always a supported one
 * @param interfaces empty for IPAM plugins, which know nothing of interfaces
 */
public record CniResult(String cniVersion, List<Interface> interfaces, List<IpConfig> ips, List<Route> routes, Dns dns) {
    public CniResult {
        CniVersion.requireSupported(cniVersion);
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
        ips = ips == null ? List.of() : List.copyOf(ips);
        routes = routes == null ? List.of() : List.copyOf(routes);
        dns = dns == null ? Dns.EMPTY : dns;
    }

    /** An IPAM result: addresses and routes only. */
    public static CniResult ofIps(String cniVersion, List<IpConfig> ips, List<Route> routes) {
        return new CniResult(cniVersion, List.of(), ips, routes, Dns.EMPTY);
    }

    /**
     * This result as the given version can express it: relabelled, with the fields that version lacks dropped.
     * Encoding for a version writes exactly this, so {@code decode(encode(r, v))} equals {@code r.restrictTo(v)}.
     * IP "version" labels of 0.3.x/0.4.0 are not stored: they follow from each address.
     */
    public CniResult restrictTo(String version) {
        CniVersion.requireSupported(version);
        if (CniVersion.hasExtendedFields(version)) {
            return new CniResult(version, interfaces, ips, routes, dns);
        }
        List<Interface> plainInterfaces = new ArrayList<>(interfaces.size());
        for (Interface i : interfaces) {
            plainInterfaces.add(new Interface(i.name(), i.mac(), null, i.sandbox(), null, null));
        }
        List<Route> plainRoutes = new ArrayList<>(routes.size());
        for (Route r : routes) {
            plainRoutes.add(Route.of(r.dst(), r.gw()));
        }
        return new CniResult(version, plainInterfaces, ips, plainRoutes, dns);
    }

    /**
     * An interface the attachment created. mtu, socketPath and pciID exist from 1.1.0 on.
     *
     * @param sandbox the netns path for interfaces inside the container; null for host interfaces
     */
    public record Interface(String name, String mac, Integer mtu, String sandbox, String socketPath, String pciId) {
        public Interface {
            if (name == null) {
                throw new IllegalArgumentException("an interface needs a name");
            }
            // Go's omitempty makes "" and absent the same thing on the wire; one Java value keeps round trips equal.
            mac = emptyToNull(mac);
            sandbox = emptyToNull(sandbox);
            socketPath = emptyToNull(socketPath);
            pciId = emptyToNull(pciId);
            requireNonNegative(mtu, "mtu");
        }

        public static Interface of(String name, String mac, String sandbox) {
            return new Interface(name, mac, null, sandbox, null, null);
        }
    }

    /**
     * One address of the attachment.
     *
     * @param address        the address with its subnet's prefix length, e.g. "10.1.2.3/24"
     * @param gateway        the subnet's gateway, if any; the same family as the address
     * @param interfaceIndex index into {@code interfaces}; null in IPAM results
     */
    public record IpConfig(String address, String gateway, Integer interfaceIndex) {
        public IpConfig {
            gateway = emptyToNull(gateway);
            IpText.Prefixed parsed = IpText.parsePrefixed(address);
            if (parsed == null) {
                throw new IllegalArgumentException("not an address in CIDR form: " + address);
            }
            if (gateway != null) {
                byte[] gw = IpText.parseAddress(gateway);
                if (gw == null || gw.length != parsed.address().length) {
                    throw new IllegalArgumentException("gateway " + gateway + " is not an address of the same family as " + address);
                }
            }
            requireNonNegative(interfaceIndex, "interface");
        }

        public static IpConfig of(String address, String gateway) {
            return new IpConfig(address, gateway, null);
        }

        /** "4" or "6", the label results before 1.0.0 carry. */
        public String ipVersion() {
            return IpText.isV6Text(address) ? "6" : "4";
        }
    }

    /**
     * A route in the container. mtu, advmss, priority, table and scope exist from 1.1.0 on.
     *
     * @param gw the next hop; null means the plugin's default (typically the IP's gateway)
     */
    public record Route(String dst, String gw, Integer mtu, Integer advmss, Integer priority, Integer table, Integer scope) {
        public Route {
            gw = emptyToNull(gw);
            IpText.Prefixed parsed = IpText.parsePrefixed(dst);
            if (parsed == null) {
                throw new IllegalArgumentException("route destination is not a CIDR: " + dst);
            }
            if (gw != null) {
                byte[] hop = IpText.parseAddress(gw);
                if (hop == null || hop.length != parsed.address().length) {
                    throw new IllegalArgumentException("route gateway " + gw + " is not an address of the same family as " + dst);
                }
            }
            requireNonNegative(mtu, "mtu");
            requireNonNegative(advmss, "advmss");
            requireNonNegative(priority, "priority");
            requireNonNegative(table, "table");
            requireNonNegative(scope, "scope");
        }

        public static Route of(String dst, String gw) {
            return new Route(dst, gw, null, null, null, null, null);
        }
    }

    /** Resolver settings; every part optional, and the whole object is left out of the JSON when empty. */
    public record Dns(List<String> nameservers, String domain, List<String> search, List<String> options) {
        public static final Dns EMPTY = new Dns(List.of(), null, List.of(), List.of());

        public Dns {
            nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
            search = search == null ? List.of() : List.copyOf(search);
            options = options == null ? List.of() : List.copyOf(options);
            domain = emptyToNull(domain);
        }

        public boolean isEmpty() {
            return nameservers.isEmpty() && (domain == null || domain.isEmpty()) && search.isEmpty() && options.isEmpty();
        }
    }

    static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    static void requireNonNegative(Integer value, String what) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(what + " must not be negative, got " + value);
        }
    }
}
