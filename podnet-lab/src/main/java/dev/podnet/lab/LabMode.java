package dev.podnet.lab;

import dev.podnet.warm.VpcCniEnvironment;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the lab's nodes address their pods: the aws-node settings of each VPC CNI mode, and the {@code podnet}
 * plugin's mode. {@code custom-networking} takes its ENIConfigs from {@code --eniconfig-file}, or else makes one per
 * zone from the VPC's subnets outside its primary block.
 */
public enum LabMode {
    SECONDARY_IP("secondary-ip", Map.of()),
    PREFIX("prefix", Map.of(VpcCniEnvironment.ENABLE_PREFIX_DELEGATION, "true")),
    CUSTOM_NETWORKING("custom-networking", Map.of(VpcCniEnvironment.CUSTOM_NETWORK_CFG, "true")),
    IPV6("ipv6", Map.of(VpcCniEnvironment.ENABLE_IPV4, "false", VpcCniEnvironment.ENABLE_IPV6, "true")),
    DUAL_STACK("dual-stack", Map.of(VpcCniEnvironment.ENABLE_IPV6, "true")),
    IPVLAN("ipvlan", Map.of());

    private final String flag;
    private final Map<String, String> env;

    LabMode(String flag, Map<String, String> env) {
        this.flag = flag;
        this.env = env;
    }

    /** The mode {@code --mode TEXT} names; the error lists them all. */
    public static LabMode parse(String text) {
        return Arrays.stream(values()).filter(m -> m.flag.equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--mode \"" + text + "\": use one of "
                        + Arrays.stream(values()).map(m -> m.flag).collect(Collectors.joining(", "))));
    }

    /** The VPC CNI variables this mode sets on every agent. */
    Map<String, String> env() {
        return env;
    }

    /** The {@code podnet} plugin's {@code mode}. */
    String pluginMode() {
        return this == IPVLAN ? "ipvlan" : "routed";
    }

    @Override
    public String toString() {
        return flag;
    }
}
