package dev.podnet.planner;

import dev.podnet.ipam.warm.NodeFootprint;
import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.ipam.warm.NodePoolSimulation;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InstanceType;
import java.util.List;

/**
 * Sizes one node: its max pods and, by running the real warm-pool planner on a simulated fresh node, the ENIs,
 * addresses and prefixes it holds once its pods are running. The subnet calculator and {@code podnet plan} share it.
 */
final class NodeSizing {

    /**
     * @param footprint   the steady pool; null in IPv6 mode, where a single /80 prefix serves every pod
     * @param podsPlaced  pods that get an address: the pods asked for, up to max pods less the host-network pods
     *                    and up to what the node's ENIs can hold
     * @param prefixFallback prefix mode was asked for on a type without prefix delegation
     */
    record Sizing(MaxPods.Result maxPods, NodeFootprint footprint, int podsPlaced, boolean prefixFallback) {

        int activeEnis() {
            return footprint == null ? 1 : footprint.activeEnis();
        }

        int warmEnis() {
            return footprint == null ? 0 : footprint.warmEnis();
        }

        int activeAddresses() {
            return footprint == null ? 1 : footprint.activeAddresses();
        }

        int warmAddresses() {
            return footprint == null ? 0 : footprint.warmAddresses();
        }

        /** Addresses from the subnet holding the pods (in IPv6 mode the pods use no IPv4 subnet). */
        int podSubnetAddresses() {
            return footprint == null ? 0 : footprint.podSubnetAddresses();
        }

        /** With custom networking the node's own address is in the node subnet; IPv6 nodes need just that one. */
        int nodeSubnetAddresses() {
            return footprint == null || footprint.customNetworking() ? 1 : 0;
        }

        List<Integer> slotsPerEni() {
            return footprint == null ? List.of(1) : footprint.slotsPerEni();
        }

        int cloudCalls() {
            return footprint == null ? 1 : footprint.cloudCalls();
        }
    }

    private NodeSizing() {
    }

    /**
     * @param config the warm targets and mode flags; prefix mode is dropped for types without prefix delegation,
     *               as the VPC CNI does
     * @param cap    the kubelet max-pods cap, or 0 for none
     */
    static Sizing size(InstanceType type, int pods, WarmPoolConfig config, boolean ipv6, int cap) {
        boolean fallback = config.prefixMode() && !type.supportsPrefixes() && !ipv6;
        WarmPoolConfig effective = fallback ? copyWithoutPrefixes(config) : config;
        MaxPods.Result maxPods = MaxPods.compute(type, effective.prefixMode() ? MaxPods.Mode.PREFIX : MaxPods.Mode.SECONDARY_IP,
                effective.customNetworking(), ipv6, cap > 0 ? cap : null);
        int wanted = Math.min(pods, Math.max(0, maxPods.maxPods() - MaxPods.HOST_NETWORK_PODS));
        if (ipv6) {
            return new Sizing(maxPods, null, wanted, false);
        }
        NodeLimits limits = NodeLimits.of(type, effective, maxPods.maxPods());
        NodeFootprint footprint = NodePoolSimulation.scaleUp(effective, limits, wanted);
        return new Sizing(maxPods, footprint, footprint.podsPlaced(), fallback);
    }

    private static WarmPoolConfig copyWithoutPrefixes(WarmPoolConfig c) {
        return new WarmPoolConfig(false, c.warmEniTarget(), c.warmIpTarget(), c.minimumIpTarget(), c.warmPrefixTarget(),
                c.maxEni(), c.customNetworking());
    }
}
