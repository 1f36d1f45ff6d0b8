package dev.podnet.ipam.warm;

import java.util.List;

/**
 * One attached ENI as the planner sees it.
 *
 * @param usedPerSlot for each secondary address or prefix on the ENI, how many of its addresses pods use
 *                    (0 or 1 for an address, 0 to 16 for a prefix)
 * @param sizePerSlot the addresses each slot gives, when they differ from the mode's (a prefix-mode node that fell
 *                    back to single addresses on a fragmented subnet); empty = every slot is the mode's size
 */
public record EniState(String id, boolean primary, List<Integer> usedPerSlot, List<Integer> sizePerSlot) {

    public EniState {
        usedPerSlot = List.copyOf(usedPerSlot);
        sizePerSlot = List.copyOf(sizePerSlot);
        if (!sizePerSlot.isEmpty() && sizePerSlot.size() != usedPerSlot.size()) {
            throw new IllegalArgumentException("ENI " + id + ": " + usedPerSlot.size() + " slots but "
                    + sizePerSlot.size() + " sizes");
        }
    }

    /** Every slot of the mode's size. */
    public EniState(String id, boolean primary, List<Integer> usedPerSlot) {
        this(id, primary, usedPerSlot, List.of());
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

    /** Addresses the ENI's slots give, each of {@code modeSize} unless sized otherwise. */
    public int addresses(int modeSize) {
        return sizePerSlot.isEmpty() ? slots() * modeSize : sizePerSlot.stream().mapToInt(Integer::intValue).sum();
    }

    /** Unused slots smaller than the mode's: single addresses a prefix-mode node fell back to. */
    public int freeSmallSlots(int modeSize) {
        int n = 0;
        for (int i = 0; i < sizePerSlot.size(); i++) {
            if (usedPerSlot.get(i) == 0 && sizePerSlot.get(i) < modeSize) {
                n++;
            }
        }
        return n;
    }

    /** Unused slots of the mode's size: whole free prefixes in prefix mode. */
    public int freeFullSlots(int modeSize) {
        int n = 0;
        for (int i = 0; i < usedPerSlot.size(); i++) {
            if (usedPerSlot.get(i) == 0 && (sizePerSlot.isEmpty() || sizePerSlot.get(i) == modeSize)) {
                n++;
            }
        }
        return n;
    }
}
