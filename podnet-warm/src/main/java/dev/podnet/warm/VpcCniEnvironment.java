package dev.podnet.warm;

import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InvalidInputException;
import java.util.Locale;
import java.util.Map;

/**
 * The AWS VPC CNI's environment variables, read with its names and defaults so that an aws-node DaemonSet's
 * settings mean the same to podnet. Unset or empty means the default; anything else must parse.
 */
public final class VpcCniEnvironment {
    public static final String WARM_ENI_TARGET = "WARM_ENI_TARGET";
    public static final String WARM_IP_TARGET = "WARM_IP_TARGET";
    public static final String MINIMUM_IP_TARGET = "MINIMUM_IP_TARGET";
    public static final String WARM_PREFIX_TARGET = "WARM_PREFIX_TARGET";
    public static final String ENABLE_PREFIX_DELEGATION = "ENABLE_PREFIX_DELEGATION";
    public static final String MAX_ENI = "MAX_ENI";
    public static final String CUSTOM_NETWORK_CFG = "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG";
    public static final String ENI_CONFIG_LABEL_DEF = "ENI_CONFIG_LABEL_DEF";
    public static final String ENI_CONFIG_ANNOTATION_DEF = "ENI_CONFIG_ANNOTATION_DEF";
    /** The VPC CNI's default for both ENI_CONFIG_LABEL_DEF and ENI_CONFIG_ANNOTATION_DEF. */
    public static final String DEFAULT_ENI_CONFIG_KEY = "k8s.amazonaws.com/eniConfig";
    /** The label EKS's custom-networking guide sets ENI_CONFIG_LABEL_DEF to: ENIConfigs named after zones. */
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    public static final String EXTERNAL_SNAT = "AWS_VPC_K8S_CNI_EXTERNALSNAT";
    public static final String EXCLUDE_SNAT_CIDRS = "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS";
    public static final String ENABLE_IPV4 = "ENABLE_IPv4";
    public static final String ENABLE_IPV6 = "ENABLE_IPv6";

    private VpcCniEnvironment() {
    }

    public static WarmPoolConfig warmPool(Map<String, String> env) {
        WarmPoolConfig.Builder b = WarmPoolConfig.builder()
                .prefixMode(flag(env, ENABLE_PREFIX_DELEGATION))
                .customNetworking(flag(env, CUSTOM_NETWORK_CFG));
        integer(env, WARM_ENI_TARGET).ifPresent(b::warmEniTarget);
        integer(env, WARM_IP_TARGET).ifPresent(b::warmIpTarget);
        integer(env, MINIMUM_IP_TARGET).ifPresent(b::minimumIpTarget);
        integer(env, WARM_PREFIX_TARGET).ifPresent(b::warmPrefixTarget);
        integer(env, MAX_ENI).ifPresent(b::maxEni);
        return b.build();
    }

    /** Whether something outside the node (a NAT gateway) translates pod traffic, so the node must not. */
    public static boolean externalSnat(Map<String, String> env) {
        return flag(env, EXTERNAL_SNAT);
    }

    /** The comma-separated blocks pods reach with their own address besides the VPC's; blanks are skipped. */
    public static java.util.List<String> excludeSnatCidrs(Map<String, String> env) {
        return java.util.Arrays.stream(env.getOrDefault(EXCLUDE_SNAT_CIDRS, "").split(",")).map(String::strip)
                .filter(c -> !c.isEmpty()).toList();
    }

    /**
     * The families pods get: ENABLE_IPv4 (default true) and ENABLE_IPv6 (default false). The VPC CNI's IPv6 mode sets
     * ENABLE_IPv6=true with ENABLE_IPv4=false; podnet also takes both true, for dual stack.
     */
    public static PodFamilies families(Map<String, String> env) {
        boolean ipv4 = env.getOrDefault(ENABLE_IPV4, "").isBlank() || flag(env, ENABLE_IPV4);
        boolean ipv6 = flag(env, ENABLE_IPV6);
        if (!ipv4 && !ipv6) {
            throw new InvalidInputException(ENABLE_IPV4 + " and " + ENABLE_IPV6 + " are both false: pods need a family");
        }
        return PodFamilies.of(ipv4, ipv6);
    }

    /**
     * The node annotation and label whose value names the ENIConfig: ENI_CONFIG_ANNOTATION_DEF and ENI_CONFIG_LABEL_DEF,
     * each {@value #DEFAULT_ENI_CONFIG_KEY} when unset or empty, as in the VPC CNI.
     */
    public static EniConfigSelector eniConfigSelector(Map<String, String> env) {
        return new EniConfigSelector(orDefault(env, ENI_CONFIG_ANNOTATION_DEF), orDefault(env, ENI_CONFIG_LABEL_DEF));
    }

    private static String orDefault(Map<String, String> env, String name) {
        String v = env.getOrDefault(name, "").trim();
        return v.isEmpty() ? DEFAULT_ENI_CONFIG_KEY : v;
    }

    static boolean flag(Map<String, String> env, String name) {
        String v = env.getOrDefault(name, "").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "false", "0", "no" -> false;
            case "true", "1", "yes" -> true;
            default -> throw new InvalidInputException(name + " must be true or false, got \"" + env.get(name) + "\"");
        };
    }

    static java.util.OptionalInt integer(Map<String, String> env, String name) {
        String v = env.getOrDefault(name, "").trim();
        if (v.isEmpty()) {
            return java.util.OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return java.util.OptionalInt.of(n);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + " must be a whole number 0 or more, got \"" + v + "\"");
        }
    }
}
