package dev.podnet.ipam;

import java.util.HashMap;
import java.util.Map;

/**
 * The taken offsets of one range: a bitmap with summary levels, 64-ary. Bit i of level k (k &gt; 0) is set when
 * word i of level k-1 is full, so {@link #nextClear} climbs until it finds a word with room and descends through
 * words known to have room: O(log64 n) per search, three levels on a /16, never a scan of every address.
 * Bits past the capacity are set from the start, which makes "full" a plain comparison with -1.
 * Large ranges (IPv6) keep their words in sparse pages, so memory follows what is used, not the range size.
 */
final class OffsetBitmap {

    /** Beyond this many words per level the storage switches to sparse pages (512 KiB of longs). */
    private static final long DENSE_LIMIT = 1L << 16;

    private final long capacity;
    private final Words[] levels;
    private final long[] bitsAt;
    private long cardinality;

    OffsetBitmap(long capacity) {
        if (capacity <= 0 || capacity > 1L << 62) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
        int depth = 1;
        for (long bits = capacity; bits > 64; bits = words(bits)) {
            depth++;
        }
        levels = new Words[depth];
        bitsAt = new long[depth];
        long bits = capacity;
        for (int k = 0; k < depth; k++) {
            long n = words(bits);
            levels[k] = n <= DENSE_LIMIT ? new Dense((int) n) : new Sparse();
            bitsAt[k] = bits;
            int used = (int) (bits & 63);
            if (used != 0) {
                levels[k].set(n - 1, -1L << used);
            }
            bits = n;
        }
    }

    long capacity() {
        return capacity;
    }

    /** Set bits inside the capacity. */
    long cardinality() {
        return cardinality;
    }

    boolean get(long i) {
        check(i);
        return (levels[0].get(i >>> 6) & 1L << i) != 0;
    }

    /** Sets bit i; returns false if it was set already. */
    boolean set(long i) {
        check(i);
        long pos = i;
        for (int k = 0; k < levels.length; k++) {
            long w = pos >>> 6;
            long before = levels[k].get(w);
            long after = before | 1L << pos;
            if (after == before) {
                return k > 0;
            }
            levels[k].set(w, after);
            if (k == 0) {
                cardinality++;
            }
            if (after != -1L) {
                return true;
            }
            pos = w;
        }
        return true;
    }

    /** Clears bit i; returns false if it was clear already. */
    boolean clear(long i) {
        check(i);
        long pos = i;
        for (int k = 0; k < levels.length; k++) {
            long w = pos >>> 6;
            long before = levels[k].get(w);
            long after = before & ~(1L << pos);
            if (after == before) {
                return k > 0;
            }
            levels[k].set(w, after);
            if (k == 0) {
                cardinality--;
            }
            if (before != -1L) {
                return true;
            }
            pos = w;
        }
        return true;
    }

    /** The smallest clear offset at or after {@code from}, or -1 if there is none. */
    long nextClear(long from) {
        if (from < 0 || from >= capacity) {
            return -1;
        }
        int k = 0;
        long pos = from;
        while (true) {
            long w = pos >>> 6;
            long room = ~levels[k].get(w) & -1L << pos;
            if (room != 0) {
                pos = (w << 6) + Long.numberOfTrailingZeros(room);
                break;
            }
            k++;
            if (k == levels.length) {
                return -1;
            }
            pos = w + 1;
            if (pos >= bitsAt[k]) {
                return -1;
            }
        }
        while (k > 0) {
            k--;
            pos = (pos << 6) + Long.numberOfTrailingZeros(~levels[k].get(pos));
        }
        return pos;
    }

    private void check(long i) {
        if (i < 0 || i >= capacity) {
            throw new IndexOutOfBoundsException("offset " + i + " of " + capacity);
        }
    }

    private static long words(long bits) {
        return (bits + 63) >>> 6;
    }

    private sealed interface Words permits Dense, Sparse {
        long get(long index);

        void set(long index, long value);
    }

    private record Dense(long[] words) implements Words {
        Dense(int n) {
            this(new long[n]);
        }

        @Override
        public long get(long index) {
            return words[(int) index];
        }

        @Override
        public void set(long index, long value) {
            words[(int) index] = value;
        }
    }

    /** Pages of 64 words, created on first write; absent words read as zero. */
    private record Sparse(Map<Long, long[]> pages) implements Words {
        Sparse() {
            this(new HashMap<>());
        }

        @Override
        public long get(long index) {
            long[] page = pages.get(index >>> 6);
            return page == null ? 0 : page[(int) (index & 63)];
        }

        @Override
        public void set(long index, long value) {
            pages.computeIfAbsent(index >>> 6, p -> new long[64])[(int) (index & 63)] = value;
        }
    }
}
