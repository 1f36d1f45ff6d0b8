package dev.podnet.planner.report;

import java.util.List;
import java.util.Map;

/**
 * One node group once its nodes' warm pools are steady.
 *
 * @param maxPods              the kubelet max pods for the type and mode (after the cap)
 * @param podsPlacedPerNode    pods that get an address on each node (podsPerNode, or fewer when the node is full)
 * @param slotsPerEni          secondary addresses (or /28 prefixes) on each ENI of a node, in attach order
 * @param activeAddresses      per node: addresses pods use plus the primary address of each active ENI
 * @param warmAddresses        per node: unused addresses held, plus the primary address of each warm ENI
 * @param podSubnetAddresses   per node: addresses taken from the subnet that holds the pods
 * @param nodeSubnetAddresses  per node: addresses taken from the node subnet when pods live elsewhere, else 0
 * @param nodesPerZone         how many of the group's nodes are in each zone
 * @param cloudCallsPerNode    EC2 calls the warm pool makes to reach this state on a fresh node
 */
public record GroupResult(String name, String instanceType, int count, int podsPerNode, int maxPods,
                          int podsPlacedPerNode, int enisPerNode, int activeEnis, int warmEnis,
                          List<Integer> slotsPerEni, int activeAddresses, int warmAddresses,
                          int podSubnetAddresses, int nodeSubnetAddresses, Map<String, Integer> nodesPerZone,
                          int cloudCallsPerNode) {

    public GroupResult {
        slotsPerEni = List.copyOf(slotsPerEni);
        nodesPerZone = Map.copyOf(nodesPerZone);
    }

    public int heldAddresses() {
        return activeAddresses + warmAddresses;
    }
}
