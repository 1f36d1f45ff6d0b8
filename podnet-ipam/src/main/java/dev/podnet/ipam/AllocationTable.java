package dev.podnet.ipam;

import java.util.ArrayList;
import java.util.List;

/**
 * The allocations of the attachments that hold addresses, found by key: an open-addressing hash table keyed by
 * each allocation's own {@link Allocation#key()}. Every ADD and DEL looks an attachment up, and a
 * {@code HashMap} cost a node object per entry and a pointer hop per lookup. Here each entry's hash sits in an
 * {@code int} array beside the allocation: a probe that passes other entries or ends at an empty place reads only
 * that array, never a key and its 64-character container id.
 *
 * <p>Linear probing at most half full; a removal shifts later entries of the same run back (no tombstones), so
 * random ADD/DEL churn leaves no debris to slow the searches down. Not thread-safe, like its owner.
 */
final class AllocationTable {

    private static final int MIN_CAPACITY = 16;

    /** Each place's key hash with its lowest bit set, or 0 where the place is empty. */
    private int[] hashes = new int[MIN_CAPACITY];
    private Allocation[] entries = new Allocation[MIN_CAPACITY];
    /** 32 minus log2 of the capacity: {@link #home} keeps that many top bits. */
    private int shift = Integer.numberOfLeadingZeros(MIN_CAPACITY) + 1;
    private int size;

    Allocation get(AttachmentKey key) {
        int i = place(key, hash(key));
        return hashes[i] == 0 ? null : entries[i];
    }

    boolean containsKey(AttachmentKey key) {
        return get(key) != null;
    }

    /** Adds an allocation whose key is not in the table. */
    void add(Allocation allocation) {
        if (2 * (size + 1) > hashes.length) {
            resize(2 * hashes.length);
        }
        int h = hash(allocation.key());
        int i = place(allocation.key(), h);
        if (hashes[i] != 0) {
            throw new IllegalStateException(allocation.key() + " is in the table already");
        }
        hashes[i] = h;
        entries[i] = allocation;
        size++;
    }

    /** Removes and returns the allocation of {@code key}, or null if it has none. */
    Allocation remove(AttachmentKey key) {
        int i = place(key, hash(key));
        if (hashes[i] == 0) {
            return null;
        }
        Allocation removed = entries[i];
        // Close the gap: move back each later entry of the run whose search would pass it, until the run ends.
        int gap = i;
        for (int j = next(i); hashes[j] != 0; j = next(j)) {
            // Movable unless its home lies cyclically in (gap, j].
            if ((j - home(hashes[j]) & mask()) >= (j - gap & mask())) {
                hashes[gap] = hashes[j];
                entries[gap] = entries[j];
                gap = j;
            }
        }
        hashes[gap] = 0;
        entries[gap] = null;
        size--;
        return removed;
    }

    int size() {
        return size;
    }

    /** Every allocation, in no particular order. */
    List<Allocation> values() {
        List<Allocation> all = new ArrayList<>(size);
        for (Allocation a : entries) {
            if (a != null) {
                all.add(a);
            }
        }
        return all;
    }

    private void resize(int capacity) {
        int[] oldHashes = hashes;
        Allocation[] oldEntries = entries;
        hashes = new int[capacity];
        entries = new Allocation[capacity];
        shift = Integer.numberOfLeadingZeros(capacity) + 1;
        for (int j = 0; j < oldHashes.length; j++) {
            if (oldHashes[j] != 0) {
                int i = home(oldHashes[j]);
                while (hashes[i] != 0) {
                    i = next(i);
                }
                hashes[i] = oldHashes[j];
                entries[i] = oldEntries[j];
            }
        }
    }

    /** The place that holds {@code key}, or the empty place that ends the search for it. */
    private int place(AttachmentKey key, int hash) {
        int i = home(hash);
        while (hashes[i] != 0 && !(hashes[i] == hash && entries[i].key().equals(key))) {
            i = next(i);
        }
        return i;
    }

    /** Never 0, which marks an empty place. */
    private static int hash(AttachmentKey key) {
        return key.hashCode() | 1;
    }

    /** Fibonacci hashing: the top bits of the product, so hashes that differ in any bits spread over the table. */
    private int home(int hash) {
        return hash * 0x9E3779B9 >>> shift;
    }

    private int next(int i) {
        return i + 1 & mask();
    }

    private int mask() {
        return hashes.length - 1;
    }
}
