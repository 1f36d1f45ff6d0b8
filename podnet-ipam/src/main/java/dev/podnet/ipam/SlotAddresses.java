package dev.podnet.ipam;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The addresses of an allocation the engine made, kept as its slots and turned into {@link AssignedAddress}es
 * only when someone reads them. Building an {@code IPAddress} costs more than the whole allocation around it, and
 * many allocations are released without anyone asking for their addresses as objects (the in-memory benchmark,
 * DEL, GC), so the engine does not build them up front. The allocator frees an allocation's addresses through
 * these slots too, so this list is all it keeps per attachment besides the {@link Allocation} itself.
 *
 * <p>One slot per range set of the pool (see {@link Pool#rangeSets}): one for a single-stack pool, two (IPv4
 * first) for a dual-stack one. Two fields rather than an array: one object less per allocation on the hot path.
 *
 * <p>Immutable to its readers, and safe to read from any thread without a lock: a slot's range and offset never
 * change, and {@link AssignedAddress} is a record of final fields, so two threads racing on an empty cache field
 * each build an equal value and either may win.
 */
final class SlotAddresses extends AbstractList<AssignedAddress> implements RandomAccess {

    private final Slot first;
    /** Null for a single-stack allocation. */
    private final Slot second;
    private AssignedAddress firstBuilt;
    private AssignedAddress secondBuilt;

    /** @param second null for a single-stack allocation */
    SlotAddresses(Slot first, Slot second) {
        this.first = first;
        this.second = second;
    }

    /** The slot behind address {@code index}. */
    Slot slot(int index) {
        if (index == 0) {
            return first;
        }
        if (index == 1 && second != null) {
            return second;
        }
        throw new IndexOutOfBoundsException("index " + index + " of " + size());
    }

    @Override
    public AssignedAddress get(int index) {
        if (index == 0) {
            AssignedAddress a = firstBuilt;
            if (a == null) {
                a = first.assigned();
                firstBuilt = a;
            }
            return a;
        }
        AssignedAddress a = secondBuilt;
        if (a == null) {
            a = slot(index).assigned();
            secondBuilt = a;
        }
        return a;
    }

    @Override
    public int size() {
        return second == null ? 1 : 2;
    }
}
