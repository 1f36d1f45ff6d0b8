package dev.podnet.blocks;

import dev.podnet.store.KeyValue;
import dev.podnet.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.zip.CRC32;

/**
 * The store side of a node's pool: reserving addresses (in its own blocks, by claiming a new block, or by borrowing
 * from another node's block when no block is free), giving whole free chunks back, releasing its empty blocks, and
 * confirming its holdings after a (re)registration. Every change is one compare-and-swap of one block record.
 * Not thread-safe: the pool calls it under its store lock.
 */
final class Reserver {
    private static final System.Logger LOG = System.getLogger(Reserver.class.getName());

    /** What one reservation got, and from where. */
    record Reserved(int index, BitSet bits, Source source) {
        enum Source { OWN, CLAIMED, BORROWED }
    }

    private final BlockLedger ledger;
    private final BlockLayout layout;
    private final BlockPoolConfig config;
    private final String node;
    private final int hashedStart;

    Reserver(BlockLedger ledger, BlockPoolConfig config) {
        this.ledger = ledger;
        this.layout = ledger.layout();
        this.config = config;
        this.node = ledger.node();
        CRC32 crc = new CRC32();
        crc.update(node.getBytes(StandardCharsets.UTF_8));
        // Nodes start their search for a free block at different places, so that they rarely race for one.
        this.hashedStart = (int) Math.floorMod(crc.getValue(), (long) layout.count());
    }

    /** About {@code want} addresses from the node's own blocks; empty if they are full. */
    Optional<Reserved> reserveOwn(int want) {
        for (BlockLedger.Versioned v : ledger.known()) {
            if (node.equals(v.block().affinity()) && ledger.freeCount(v.block(), v.index()) > 0) {
                Optional<Reserved> r = takeFrom(v.index(), want, Reserved.Source.OWN, b -> node.equals(b.affinity()));
                if (r.isPresent()) {
                    return r;
                }
            }
        }
        return Optional.empty();
    }

    /** Claims a block no node has, starting at this node's hashed index; empty if every block exists. */
    Optional<Reserved> claim(int want) {
        BitSet present = new BitSet();
        ledger.scan().forEach(v -> present.set(v.index()));
        int n = layout.count();
        int lost = 0;
        for (int k = 0; k < n; k++) {
            int index = (hashedStart + k) % n;
            if (present.get(index)) {
                continue;
            }
            BitSet bits = ledger.pick(new Block(layout.cidr(index), node, Map.of()), index, want, config.chunk());
            if (bits.isEmpty()) {
                continue;
            }
            Block block = new Block(layout.cidr(index), node, Map.of(node, bits));
            Optional<KeyValue> created = ledger.store().createIfAbsent(layout.key(index),
                    BlockCodec.encode(block, layout.size()), 0);
            if (created.isPresent()) {
                ledger.read(index);
                LOG.log(System.Logger.Level.INFO, "node {0} claimed block {1}", node, layout.cidr(index));
                return Optional.of(new Reserved(index, bits, Reserved.Source.CLAIMED));
            }
            if (++lost >= config.maxAttempts()) {
                throw StoreException.conflict("claiming a block of " + config.cidr() + ": another node created "
                        + lost + " blocks first");
            }
        }
        return Optional.empty();
    }

    /** Free addresses of another node's block, for when no block is left to claim. */
    Optional<Reserved> borrow(int want) {
        List<BlockLedger.Versioned> candidates = new ArrayList<>(ledger.scan().stream()
                .filter(v -> !node.equals(v.block().affinity()) && ledger.freeCount(v.block(), v.index()) > 0)
                .toList());
        candidates.sort(Comparator.comparingInt((BlockLedger.Versioned v) -> ledger.freeCount(v.block(), v.index()))
                .reversed());
        // Nodes that run out together would all go for the same block: each starts at its own place in the list.
        if (!candidates.isEmpty()) {
            java.util.Collections.rotate(candidates, -(hashedStart % candidates.size()));
        }
        for (BlockLedger.Versioned v : candidates) {
            Optional<Reserved> r = takeFrom(v.index(), want, Reserved.Source.BORROWED, b -> true);
            if (r.isPresent()) {
                LOG.log(System.Logger.Level.INFO, "node {0} borrowed {1} addresses of block {2} (affinity {3})",
                        node, r.get().bits().cardinality(), layout.cidr(v.index()), v.block().affinity());
                return r;
            }
        }
        return Optional.empty();
    }

    private Optional<Reserved> takeFrom(int index, int want, Reserved.Source source, Predicate<Block> still) {
        BitSet[] added = {new BitSet()};
        ledger.change(index, current -> current.map(b -> {
            added[0] = still.test(b) ? ledger.pick(b, index, want, config.chunk()) : new BitSet();
            BitSet held = b.held(node);
            held.or(added[0]);
            return b.withHolder(node, held);
        }), false);
        return added[0].isEmpty() ? Optional.empty() : Optional.of(new Reserved(index, added[0], source));
    }

    /** Clears {@code bits} from this node's entry of block {@code index}. */
    void unreserve(int index, BitSet bits) {
        ledger.change(index, current -> current.map(b -> {
            BitSet held = b.held(node);
            held.andNot(bits);
            return b.withHolder(node, held);
        }), false);
    }

    /** Deletes block {@code index} if it is this node's and nobody holds anything in it; returns whether it did. */
    boolean releaseIfEmpty(int index) {
        boolean[] deleted = {false};
        ledger.change(index, current -> {
            deleted[0] = current.isPresent() && current.get().isEmpty() && node.equals(current.get().affinity());
            return deleted[0] ? Optional.empty() : current;
        }, false);
        if (deleted[0]) {
            LOG.log(System.Logger.Level.INFO, "node {0} released its empty block {1}", node, layout.cidr(index));
        }
        return deleted[0];
    }

    /**
     * After a (re)registration: rewrites every block this node owns or holds bits in (or that holds an address a pod
     * of this node has) by compare-and-swap, adding back the pods' addresses where no other node took them. Only what
     * such a write committed is trusted: a reclaim based on an older read can no longer land. Returns the confirmed
     * bits per block; an address a pod here holds but another node reserved is reported, and stays the pod's.
     */
    Map<Integer, BitSet> confirm(Map<Integer, BitSet> podsHere) {
        java.util.TreeMap<Integer, BitSet> indexes = new java.util.TreeMap<>();
        ledger.scan().stream().filter(v -> node.equals(v.block().affinity()) || v.block().holders().containsKey(node))
                .forEach(v -> indexes.put(v.index(), new BitSet()));
        podsHere.forEach((i, b) -> indexes.put(i, b));
        Map<Integer, BitSet> confirmed = new java.util.HashMap<>();
        indexes.forEach((index, pods) -> {
            Optional<BlockLedger.Versioned> v = ledger.change(index, current -> {
                if (current.isEmpty()) {
                    return pods.isEmpty() ? current : Optional.of(new Block(layout.cidr(index), node, Map.of(node, pods)));
                }
                Block b = current.get();
                BitSet held = b.held(node);
                BitSet missing = (BitSet) pods.clone();
                missing.andNot(b.taken());
                held.or(missing);
                return Optional.of(b.withHolder(node, held));
            }, true);
            BitSet mine = v.map(x -> x.block().held(node)).orElse(new BitSet());
            BitSet lost = (BitSet) pods.clone();
            lost.andNot(mine);
            if (!lost.isEmpty()) {
                LOG.log(System.Logger.Level.ERROR, "node {0}: pods here hold {1}, which another node reserved while this"
                        + " node had no record; they may be handed out twice until those pods are deleted",
                        node, layout.addresses(index, lost));
            }
            if (!mine.isEmpty()) {
                confirmed.put(index, mine);
            }
        });
        return confirmed;
    }

}
