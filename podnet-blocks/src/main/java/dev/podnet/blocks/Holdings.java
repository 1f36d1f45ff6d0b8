package dev.podnet.blocks;

import dev.podnet.ipam.FreeList;
import inet.ipaddr.IPAddress;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one node may hand out: its holder bits per block as last confirmed in the store ("mine"), and the free list,
 * the part of them no pod holds, oldest released first. Only addresses that are mine ever enter the free list, so
 * the node never hands out an address it has not reserved. Thread-safe; every method is one short critical section.
 */
final class Holdings {
    private final BlockLayout layout;
    private final Map<Integer, BitSet> mine = new HashMap<>();
    private final FreeList free = new FreeList();
    /** Moves on whenever an address joins the free list: a caller that found it empty can tell if that changed. */
    private long generation;

    Holdings(BlockLayout layout) {
        this.layout = layout;
    }

    /** Replaces everything, after the holdings were confirmed in the store. */
    synchronized void reset(Map<Integer, BitSet> confirmed, Collection<IPAddress> freeAddresses) {
        mine.clear();
        confirmed.forEach((i, b) -> mine.put(i, (BitSet) b.clone()));
        free.clear();
        free.giveBack(freeAddresses, this::isMineLocked);
        generation++;
    }

    /** Newly reserved offsets of block {@code index}: mine now, and free. */
    synchronized List<IPAddress> add(int index, BitSet bits) {
        mine.computeIfAbsent(index, i -> new BitSet()).or(bits);
        List<IPAddress> added = layout.addresses(index, bits);
        free.giveBack(added, a -> true);
        generation++;
        return added;
    }

    /** Offsets given back to the store: no longer mine (they were taken off the free list before). */
    synchronized void remove(int index, BitSet bits) {
        BitSet b = mine.get(index);
        if (b != null) {
            b.andNot(bits);
            if (b.isEmpty()) {
                mine.remove(index);
            }
        }
    }

    synchronized void forget(int index) {
        mine.remove(index);
    }

    synchronized BitSet mine(int index) {
        BitSet b = mine.get(index);
        return b == null ? new BitSet() : (BitSet) b.clone();
    }

    synchronized Map<Integer, BitSet> allMine() {
        Map<Integer, BitSet> copy = new HashMap<>();
        mine.forEach((i, b) -> copy.put(i, (BitSet) b.clone()));
        return copy;
    }

    synchronized boolean isMine(IPAddress a) {
        return isMineLocked(a);
    }

    private boolean isMineLocked(IPAddress a) {
        int index = layout.indexOf(a);
        BitSet b = index < 0 ? null : mine.get(index);
        return b != null && b.get(layout.offsetOf(a));
    }

    IPAddress takeOldest() {
        return free.takeOldest();
    }

    boolean take(IPAddress a) {
        return free.take(a);
    }

    /** Takes every address or none. */
    boolean takeAll(List<IPAddress> addresses) {
        return free.takeAll(addresses);
    }

    /** Back to the free list, at its end; addresses that are no longer mine are dropped. */
    synchronized void giveBack(Collection<IPAddress> addresses) {
        free.giveBack(addresses, this::isMineLocked);
        generation++;
    }

    boolean isFree(IPAddress a) {
        return free.contains(a);
    }

    int freeCount() {
        return free.size();
    }

    List<IPAddress> freeList() {
        return free.list();
    }

    synchronized long generation() {
        return generation;
    }

    synchronized int reservedCount() {
        return mine.values().stream().mapToInt(BitSet::cardinality).sum();
    }
}
