package dev.podnet.ipam.warm;

import java.util.List;

/**
 * One attached ENI as the planner sees it.
 *
 * @param usedPerSlot for each secondary address or prefix on the ENI, how many of its addresses pods use
 *                    (0 or 1 for an address, 0 to 16 for a prefix)
 */
public record EniState(String id, boolean primary, List<Integer> usedPerSlot) {

    public EniState {
        usedPerSlot = List.copyOf(usedPerSlot);
    }

    public int slots() {
        return usedPerSlot.size();
    }

    public int used() {
        return usedPerSlot.stream().mapToInt(Integer::intValue).sum();
    }

    public int freeSlots() {
        return (int) usedPerSlot.stream().filter(u -> u == 0).count();
    }
}
