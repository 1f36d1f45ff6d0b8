package dev.podnet.ipam.warm;

import dev.podnet.net.InstanceType;

/**
 * What one node may hold.
 *
 * @param maxEnis     ENIs the node may attach (the type's limit, lowered by MAX_ENI)
 * @param slotsPerEni secondary addresses or prefixes per ENI (the type's IPv4 per ENI less the primary)
 * @param maxPods     the kubelet's max pods: the pool stops growing once it holds this many addresses
 */
public record NodeLimits(int maxEnis, int slotsPerEni, int maxPods) {

    public NodeLimits {
        if (maxEnis < 1 || slotsPerEni < 0 || maxPods < 0) {
            throw new IllegalArgumentException("impossible node limits: " + maxEnis + " ENIs, " + slotsPerEni
                    + " slots per ENI, " + maxPods + " max pods");
        }
    }

    public static NodeLimits of(InstanceType type, WarmPoolConfig config, int maxPods) {
        int enis = config.maxEni() > 0 ? Math.min(config.maxEni(), type.maxEnis()) : type.maxEnis();
        return new NodeLimits(enis, type.slotsPerEni(), maxPods);
    }
}
