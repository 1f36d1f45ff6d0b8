package dev.podnet.ipam;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The addresses of an allocation the engine made, kept as its slots and turned into {@link AssignedAddress}es
 * only when someone reads them. Building an {@code IPAddress} costs more than the whole allocation around it, and
 * many allocations are released without anyone asking for their addresses as objects (the in-memory benchmark,
 * DEL, GC), so the engine no longer builds them up front.
 *
 * <p>Immutable to its readers, and safe to read from any thread without a lock: a slot's range and offset never
 * change, and {@link AssignedAddress} is a record of final fields, so two threads racing on an empty entry each
 * build an equal value and either may win.
 */
final class SlotAddresses extends AbstractList<AssignedAddress> implements RandomAccess {

    private final Slot[] slots;
    private final AssignedAddress[] built;

    /** @param slots never written after this call (the engine hands over the array it filled) */
    SlotAddresses(Slot[] slots) {
        this.slots = slots;
        this.built = new AssignedAddress[slots.length];
    }

    @Override
    public AssignedAddress get(int index) {
        AssignedAddress a = built[index];
        if (a == null) {
            a = slots[index].assigned();
            built[index] = a;
        }
        return a;
    }

    @Override
    public int size() {
        return slots.length;
    }
}
