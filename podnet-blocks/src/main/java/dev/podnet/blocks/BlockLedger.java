package dev.podnet.blocks;

import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.StoreException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One node's view of its pool's blocks in the store, and the compare-and-swap that changes one block. Remembers the
 * blocks it has seen, with their revisions, so that a change usually needs no read first: a stale revision just loses
 * the swap and the retry reads. Not thread-safe: the pool calls it under its store lock.
 */
final class BlockLedger {
    private static final System.Logger LOG = System.getLogger(BlockLedger.class.getName());

    /** A block as read or written, and the revision a compare-and-swap must name. */
    record Versioned(int index, Block block, long modRevision) {
    }

    private final ClusterStore store;
    private final BlockLayout layout;
    private final String node;
    private final Attempts attempts;
    /** Blocks this node has read or written, by index. */
    private final Map<Integer, Versioned> known = new TreeMap<>();
    /** A copy of {@link #known} for readers outside the store lock (metrics), replaced on every change. */
    private volatile List<Versioned> snapshot = List.of();

    BlockLedger(ClusterStore store, BlockLayout layout, String node, Attempts attempts) {
        this.store = store;
        this.layout = layout;
        this.node = node;
        this.attempts = attempts;
    }

    BlockLayout layout() {
        return layout;
    }

    String node() {
        return node;
    }

    ClusterStore store() {
        return store;
    }

    /** Every block of the pool as the store has it now; unreadable records are left out (and never written). */
    List<Versioned> scan() {
        List<Versioned> all = new ArrayList<>();
        for (KeyValue kv : store.range(layout.prefix()).kvs()) {
            OptionalInt index = layout.index(kv.key());
            if (index.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "ignoring {0}: not a block key of this pool", kv.key());
                continue;
            }
            decode(index.getAsInt(), kv).ifPresent(v -> {
                all.add(v);
                remember(v);
            });
        }
        return all;
    }

    Optional<Versioned> read(int index) {
        Optional<Versioned> v = store.get(layout.key(index)).flatMap(kv -> decode(index, kv));
        v.ifPresentOrElse(this::remember, () -> forget(index));
        return v;
    }

    private Optional<Versioned> decode(int index, KeyValue kv) {
        try {
            return Optional.of(new Versioned(index, BlockCodec.decode(kv.value(), layout.cidr(index), layout.size()),
                    kv.modRevision()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "block record {0} is unreadable and is left alone: {1}", kv.key(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    private void remember(Versioned v) {
        if (node.equals(v.block().affinity()) || v.block().holders().containsKey(node)) {
            known.put(v.index(), v);
            snapshot = List.copyOf(known.values());
        } else {
            forget(v.index());
        }
    }

    private void forget(int index) {
        if (known.remove(index) != null) {
            snapshot = List.copyOf(known.values());
        }
    }

    /** The blocks this node owns or holds addresses in, as last seen; safe to call without the store lock. */
    List<Versioned> known() {
        return snapshot;
    }

    /**
     * Compare-and-swap of block {@code index}: {@code next} maps the current record (empty if absent) to the wanted
     * one (empty to delete); returning the current one unchanged writes nothing unless {@code force}. The first
     * attempt trusts what this node last saw; a lost swap re-reads and asks {@code next} again. Returns the block as
     * committed (empty if deleted or absent).
     */
    Optional<Versioned> change(int index, Function<Optional<Block>, Optional<Block>> next, boolean force) {
        String key = layout.key(index);
        boolean[] fresh = {false};
        return attempts.run("changing block " + key, () -> {
            Optional<Versioned> current = fresh[0] ? read(index) : Optional.ofNullable(known.get(index))
                    .or(() -> read(index));
            fresh[0] = true;
            Optional<Block> wanted = next.apply(current.map(Versioned::block));
            if (wanted.equals(current.map(Versioned::block)) && !(force && current.isPresent())) {
                return current;
            }
            return write(index, current, wanted);
        });
    }

    private Optional<Versioned> write(int index, Optional<Versioned> current, Optional<Block> wanted) {
        String key = layout.key(index);
        if (wanted.isEmpty()) {
            store.deleteIfRevision(key, current.orElseThrow().modRevision());
            forget(index);
            return Optional.empty();
        }
        byte[] value = BlockCodec.encode(wanted.get(), layout.size());
        KeyValue kv;
        if (current.isEmpty()) {
            kv = store.createIfAbsent(key, value, 0).orElseThrow(() -> StoreException.conflict(key
                    + " was created by another node first"));
        } else {
            kv = store.putIfRevision(key, value, current.get().modRevision(), 0);
        }
        Versioned v = new Versioned(index, wanted.get(), kv.modRevision());
        remember(v);
        return Optional.of(v);
    }

    /**
     * Free offsets of {@code block} (no holder, usable), whole aligned chunks at a time, at least {@code want}
     * of them if the block has that many.
     */
    BitSet pick(Block block, int index, int want, int chunk) {
        BitSet unavailable = block.taken();
        unavailable.or(layout.unusable(index));
        BitSet picked = new BitSet();
        for (int start = 0; start < layout.size() && picked.cardinality() < want; start += chunk) {
            for (int i = start; i < start + chunk; i++) {
                if (!unavailable.get(i)) {
                    picked.set(i);
                }
            }
        }
        return picked;
    }

    /** Free usable offsets of a block. */
    int freeCount(Block block, int index) {
        BitSet unavailable = block.taken();
        unavailable.or(layout.unusable(index));
        return layout.size() - unavailable.cardinality();
    }
}
