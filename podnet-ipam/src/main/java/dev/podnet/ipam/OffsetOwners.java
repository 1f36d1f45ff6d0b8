package dev.podnet.ipam;

import java.util.HashMap;
import java.util.Map;

/**
 * Which attachment holds each offset of one range. A range of IPv4 size keeps a plain array indexed by offset:
 * the allocator reads and writes an owner on every ADD and DEL, and a map keyed by slot cost a node, a hash and
 * two cache misses each time. Larger ranges (IPv6) keep a map, so memory follows what is held, not the range size.
 */
final class OffsetOwners {

    /** Up to this many offsets (a /12, 4 MiB of references) an array is cheaper than a map in every way that matters. */
    static final long DENSE_LIMIT = 1L << 20;

    private final AttachmentKey[] dense;
    private final Map<Long, AttachmentKey> sparse;

    OffsetOwners(long capacity) {
        boolean small = capacity <= DENSE_LIMIT;
        this.dense = small ? new AttachmentKey[(int) capacity] : null;
        this.sparse = small ? null : new HashMap<>();
    }

    /** The holder of {@code offset}, or null if nobody holds it. */
    AttachmentKey get(long offset) {
        return dense != null ? dense[(int) offset] : sparse.get(offset);
    }

    /** Records {@code key} as the holder of {@code offset}; the offset must not be held. */
    void put(long offset, AttachmentKey key) {
        AttachmentKey before = dense != null ? dense[(int) offset] : sparse.putIfAbsent(offset, key);
        if (dense != null && before == null) {
            dense[(int) offset] = key;
        }
        if (before != null) {
            throw new IllegalStateException("offset " + offset + " is held by " + before + " already");
        }
    }

    /** Forgets the holder of {@code offset}, if any. */
    void remove(long offset) {
        if (dense != null) {
            dense[(int) offset] = null;
        } else {
            sparse.remove(offset);
        }
    }
}
