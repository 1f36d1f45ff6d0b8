package dev.podnet.overlay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import java.util.Optional;

/**
 * flannel's network configuration ({@code <prefix>/config}), parsed and completed as flannel does it
 * ({@code subnet.ParseConfig} + {@code CheckNetworkConfig}): SubnetLen defaults to /24 (or the network's length + 2
 * for networks smaller than /22), SubnetMin/SubnetMax default to the second and the last-but-one subnet, and both
 * must lie in the network on a SubnetLen boundary. Only the vxlan backend is accepted, since that is the one podnet
 * programs. The IPv6 fields are parsed and checked; leasing is IPv4.
 *
 * @param subnetMin the first subnet address that may be leased (unsigned 32-bit value)
 * @param subnetMax the last subnet address that may be leased
 */
public record FlannelConfig(Ipv4Net network, int subnetLen, long subnetMin, long subnetMax, Optional<Ipv6> ipv6,
                            Backend backend) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The IPv6 half of a dual-stack configuration (EnableIPv6 true). */
    public record Ipv6(Cidr network, int subnetLen, Optional<String> subnetMin, Optional<String> subnetMax) {
    }

    /**
     * The {@code Backend} object.
     *
     * @param port the UDP port, 8472 when the configuration leaves it 0 (the Linux kernel's default, which flannel
     *             relies on by not setting one)
     */
    public record Backend(String type, long vni, int port, boolean gbp, boolean learning, boolean directRouting) {
        /** flannel's VXLAN lease data carries the VNI as a 16-bit number, so a larger one could not be leased. */
        static final long MAX_VNI = 65_535;
        static final int LINUX_VXLAN_PORT = 8472;
    }

    /** The subnets that may be leased: every SubnetLen block from SubnetMin to SubnetMax. */
    public long subnetCount() {
        return (subnetMax - subnetMin) / (1L << (32 - subnetLen)) + 1;
    }

    /** Whether {@code subnet} is one this configuration could have leased (flannel's isSubnetConfigCompat). */
    public boolean leasable(Ipv4Net subnet) {
        return subnet.prefixLength() == subnetLen && subnet.address() >= subnetMin && subnet.address() <= subnetMax;
    }

    /**
     * Parses and checks a configuration.
     *
     * @param source where the text came from (the etcd key), for the error messages
     * @throws InvalidInputException naming the source and the field
     */
    public static FlannelConfig parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(source + ": not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(source + ": expected a JSON object such as "
                    + "{\"Network\":\"10.5.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        }
        JsonFields f = new JsonFields(root, source, "");
        boolean enableIpv4 = f.bool("EnableIPv4").orElse(true);
        boolean enableIpv6 = f.bool("EnableIPv6").orElse(false);
        if (!enableIpv4) {
            throw f.error("EnableIPv4", "podnet overlay leases IPv4 subnets; an IPv6-only network is not supported");
        }
        Ipv4Net network = f.text("Network").map(t -> parseNetwork(f, t))
                .orElseThrow(() -> f.error("Network", "missing: the overlay's IPv4 network, e.g. \"10.5.0.0/16\""));

        int subnetLen;
        Optional<Long> len = f.number("SubnetLen", 0, 32);
        if (len.isPresent() && len.get() > 0) {
            subnetLen = len.get().intValue();
            if (subnetLen > 30) {
                throw f.error("SubnetLen", "must be at most 30 (a node's subnet needs room for a gateway and pods), got " + subnetLen);
            }
            if (subnetLen < network.prefixLength() + 2) {
                throw f.error("SubnetLen", "/" + subnetLen + " leaves fewer than four subnets in " + network
                        + "; use at least /" + (network.prefixLength() + 2));
            }
        } else if (network.prefixLength() > 28) {
            throw f.error("Network", network + " is too small: the smallest useful network is a /28");
        } else {
            subnetLen = network.prefixLength() <= 22 ? 24 : network.prefixLength() + 2;
        }

        long subnetSize = 1L << (32 - subnetLen);
        long subnetMin = boundary(f, "SubnetMin", network, subnetLen).orElse(network.address() + subnetSize);
        long subnetMax = boundary(f, "SubnetMax", network, subnetLen).orElse(network.address() + network.size() - subnetSize);
        if (subnetMin > subnetMax) {
            throw f.error("SubnetMin", Ipv4Net.format(subnetMin) + " is above SubnetMax " + Ipv4Net.format(subnetMax));
        }

        Optional<Ipv6> ipv6 = enableIpv6 ? Optional.of(ipv6(f)) : Optional.empty();
        Backend backend = backend(f);
        return new FlannelConfig(network, subnetLen, subnetMin, subnetMax, ipv6, backend);
    }

    private static Ipv4Net parseNetwork(JsonFields f, String text) {
        try {
            return Ipv4Net.parse(text);
        } catch (InvalidInputException e) {
            throw f.error("Network", e.getMessage());
        }
    }

    private static Optional<Long> boundary(JsonFields f, String field, Ipv4Net network, int subnetLen) {
        Optional<String> text = f.text(field);
        if (text.isEmpty() || text.get().equals("0.0.0.0")) {
            return Optional.empty(); // Go's zero value: flannel treats it as "not set"
        }
        long value;
        try {
            value = Ipv4Net.parseAddress(text.get());
        } catch (InvalidInputException e) {
            throw f.error(field, e.getMessage());
        }
        if (!network.contains(value)) {
            throw f.error(field, text.get() + " is not in the Network " + network);
        }
        if ((value & Ipv4Net.mask(subnetLen)) != value) {
            throw f.error(field, text.get() + " is not on a /" + subnetLen + " (SubnetLen) boundary");
        }
        return Optional.of(value);
    }

    private static Ipv6 ipv6(JsonFields f) {
        Cidr network = f.text("IPv6Network").map(t -> {
            try {
                return Cidr.parse(t);
            } catch (InvalidInputException e) {
                throw f.error("IPv6Network", e.getMessage());
            }
        }).orElseThrow(() -> f.error("IPv6Network", "missing while EnableIPv6 is true"));
        if (network.isIpv4()) {
            throw f.error("IPv6Network", network + " is an IPv4 network");
        }
        int subnetLen;
        Optional<Long> len = f.number("IPv6SubnetLen", 0, 128);
        if (len.isPresent() && len.get() > 0) {
            subnetLen = len.get().intValue();
            if (subnetLen > 126) {
                throw f.error("IPv6SubnetLen", "must be at most 126, got " + subnetLen);
            }
            if (subnetLen < network.prefixLength() + 2) {
                throw f.error("IPv6SubnetLen", "/" + subnetLen + " leaves fewer than four subnets in " + network);
            }
        } else if (network.prefixLength() > 124) {
            throw f.error("IPv6Network", network + " is too small: the smallest useful network is a /124");
        } else {
            subnetLen = network.prefixLength() <= 62 ? 64 : network.prefixLength() + 2;
        }
        return new Ipv6(network, subnetLen, v6Boundary(f, "IPv6SubnetMin", network), v6Boundary(f, "IPv6SubnetMax", network));
    }

    private static Optional<String> v6Boundary(JsonFields f, String field, Cidr network) {
        return f.text(field).map(t -> {
            Cidr host;
            try {
                host = Cidr.parse(t + "/128");
            } catch (InvalidInputException e) {
                throw f.error(field, "\"" + t + "\" is not an IPv6 address");
            }
            if (!network.contains(host)) {
                throw f.error(field, t + " is not in the IPv6Network " + network);
            }
            return host.firstAddress();
        });
    }

    private static Backend backend(JsonFields f) {
        JsonFields b = f.object("Backend").orElseThrow(() -> f.error("Backend",
                "missing, which flannel reads as the udp backend; podnet overlay needs {\"Type\":\"vxlan\"}"));
        String type = b.text("Type").orElse("udp");
        if (!type.equals("vxlan")) {
            throw b.error("Type", "podnet overlay runs the \"vxlan\" backend only, got \"" + type + "\"");
        }
        long vni = b.number("VNI", 0, Backend.MAX_VNI).orElse(1L);
        int port = b.number("Port", 0, 65_535).orElse(0L).intValue();
        return new Backend(type, vni, port == 0 ? Backend.LINUX_VXLAN_PORT : port, b.bool("GBP").orElse(false),
                b.bool("Learning").orElse(false), b.bool("DirectRouting").orElse(false));
    }
}
