package dev.podnet.planner;

import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InstanceType;
import dev.podnet.net.InvalidInputException;

/**
 * The kubelet max pods for an instance type, as AWS computes it (eni-max-pods.txt, max-pods-calculator.sh).
 * <pre>
 *   secondary-ip:        ENIs x (IPv4 per ENI - 1) + 2
 *   prefix (/28):        ENIs x ((IPv4 per ENI - 1) x 16) + 2
 *   custom networking:   the primary ENI hosts no pods, so (ENIs - 1) in place of ENIs
 *   ipv6:                one /80 prefix on the primary ENI, so addresses never limit; AWS sizes such nodes with the
 *                        prefix formula, which needs a Nitro instance
 *   cap:                 min(result, cap), the kubelet cap (AWS recommends 110, or 250 from 30 vCPUs)
 * </pre>
 * The "+ 2" are aws-node and kube-proxy, which use the host network and need no pod address.
 * Prefix delegation needs the Nitro system: on other types the VPC CNI falls back to secondary IPs, and so does this.
 */
public final class MaxPods {
    public static final int HOST_NETWORK_PODS = 2;

    public enum Mode {
        SECONDARY_IP("secondary-ip"), PREFIX("prefix");

        private final String id;

        Mode(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.id.equals(text)) {
                    return m;
                }
            }
            throw new InvalidInputException("unknown mode \"" + text + "\"; use secondary-ip or prefix");
        }
    }

    /**
     * @param mode      the mode the formula used (secondary-ip when prefixes were asked for on a non-Nitro type)
     * @param uncapped  the formula's value before the kubelet cap
     * @param podEnis   ENIs that carry pod addresses
     * @param note      why the answer differs from what was asked, or empty
     */
    public record Result(String instanceType, int maxPods, int uncapped, int enis, int ipv4PerEni, String mode,
                         boolean customNetworking, boolean ipv6, Integer cap, int podEnis, String note) {
    }

    private MaxPods() {
    }

    /** What an agent with this warm pool tells the kubelet: the VPC CNI's formula for its mode, IPv4. */
    public static int vpcCni(InstanceType type, WarmPoolConfig warm) {
        return compute(type, warm.prefixMode() ? Mode.PREFIX : Mode.SECONDARY_IP, warm.customNetworking(), false, null)
                .maxPods();
    }

    public static Result compute(InstanceType type, Mode mode, boolean customNetworking, boolean ipv6, Integer cap) {
        if (cap != null && cap < 1) {
            throw new InvalidInputException("--cap must be 1 or more, got " + cap);
        }
        if (ipv6 && customNetworking) {
            throw new InvalidInputException("custom networking does not apply to IPv6: pods use the primary ENI's /80 prefix");
        }
        if (ipv6 && !type.supportsPrefixes()) {
            throw new InvalidInputException("IPv6 needs prefix delegation, which " + type.name() + " ("
                    + type.hypervisor().name().toLowerCase(java.util.Locale.ROOT) + ") does not support; choose a Nitro type");
        }
        Mode effective = mode;
        String note = "";
        if (ipv6) {
            effective = Mode.PREFIX;
            note = "IPv6: one /80 prefix on the primary ENI; addresses never limit pods";
        } else if (mode == Mode.PREFIX && !type.supportsPrefixes()) {
            effective = Mode.SECONDARY_IP;
            note = "prefix delegation needs a Nitro instance; the VPC CNI falls back to secondary IPs";
        }
        int podEnis = customNetworking ? type.maxEnis() - 1 : type.maxEnis();
        int perEni = effective == Mode.PREFIX ? type.slotsPerEni() * 16 : type.slotsPerEni();
        int uncapped = podEnis * perEni + HOST_NETWORK_PODS;
        int maxPods = cap == null ? uncapped : Math.min(uncapped, cap);
        if (customNetworking && podEnis == 0) {
            note = "custom networking leaves no ENI for pods on " + type.name() + ": only host-network pods run";
        }
        return new Result(type.name(), maxPods, uncapped, type.maxEnis(), type.ipv4PerEni(), effective.id(),
                customNetworking, ipv6, cap, ipv6 ? 1 : podEnis, note);
    }
}
