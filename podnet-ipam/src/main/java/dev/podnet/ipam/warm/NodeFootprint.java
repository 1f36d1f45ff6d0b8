package dev.podnet.ipam.warm;

import java.util.List;

/**
 * What one node holds once its pool is steady.
 *
 * @param podsPlaced       pods that got an address (fewer than {@code podsWanted} when the node is full)
 * @param cloudCalls       the EC2 calls the planner made to get here
 * @param customNetworking the primary ENI (and its address) lives in the node subnet, not the pod subnet
 */
public record NodeFootprint(List<EniState> enis, int podsPlaced, int podsWanted, PoolStats stats, int cloudCalls,
                            boolean customNetworking, int addressesPerSlot) {

    public NodeFootprint {
        enis = List.copyOf(enis);
    }

    /** ENIs that carry pods, and the primary ENI, which carries the node itself. */
    public int activeEnis() {
        return (int) enis.stream().filter(e -> e.primary() || e.used() > 0).count();
    }

    public int warmEnis() {
        return enis.size() - activeEnis();
    }

    /** Addresses in use: the pods' and the primary address of every active ENI. */
    public int activeAddresses() {
        return stats.used() + activeEnis();
    }

    /** Addresses held but unused: free pod addresses and the primary address of every warm ENI. */
    public int warmAddresses() {
        return stats.available() + warmEnis();
    }

    public int heldAddresses() {
        return activeAddresses() + warmAddresses();
    }

    /**
     * Addresses this node takes from the subnet that holds its pods. With custom networking the primary ENI sits in
     * the node subnet, so its address is not counted here.
     */
    public int podSubnetAddresses() {
        return customNetworking ? heldAddresses() - 1 : heldAddresses();
    }

    /** Secondary addresses or prefixes on each ENI, in attach order. */
    public List<Integer> slotsPerEni() {
        return enis.stream().map(EniState::slots).toList();
    }
}
