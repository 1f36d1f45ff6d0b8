package dev.podnet.planner.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How pods get their addresses. */
public enum Mode {
    /** VPC CNI default: ENI secondary addresses from the node subnet. */
    SECONDARY_IP("secondary-ip"),
    /** VPC CNI prefix delegation: /28 prefixes from the node subnet. */
    PREFIX("prefix"),
    /** VPC CNI custom networking: secondary addresses from a per-zone pod subnet (ENIConfig), usually in 100.64.0.0/10. */
    CUSTOM_NETWORKING("custom-networking"),
    /** IPv6: one /80 prefix on each node's primary ENI. */
    IPV6("ipv6"),
    /** Spiderpool-style underlay: per-node pools of /28 IPv4 and /80 IPv6 prefixes, pods on ipvlan. */
    DUAL_STACK("dual-stack");

    private final String id;

    Mode(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Pods take IPv4 addresses from per-zone pod subnets carved out of a secondary CIDR. */
    public boolean usesPodSubnets() {
        return this == CUSTOM_NETWORKING || this == DUAL_STACK;
    }

    /** Slots are /28 prefixes. */
    public boolean usesPrefixes() {
        return this == PREFIX || this == DUAL_STACK;
    }

    public boolean needsIpv6() {
        return this == IPV6 || this == DUAL_STACK;
    }

    public static Mode parse(String text) {
        return Arrays.stream(values()).filter(m -> m.id.equals(text)).findFirst()
                .orElseThrow(() -> new dev.podnet.net.InvalidInputException("unknown mode \"" + text + "\"; one of " + ids()));
    }

    public static String ids() {
        return Arrays.stream(values()).map(Mode::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
