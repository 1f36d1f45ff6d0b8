package dev.podnet.blocks;

import dev.podnet.store.KeyValue;
import dev.podnet.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes back what nodes without a liveness record hold: their holder entries go (one compare-and-swap per block),
 * and a block whose affinity node is gone is deleted once no holder is left. A node is only judged gone after it has
 * been seen missing for the grace period, and never from a read that cannot be trusted: the store must answer, and
 * the answer must list this node itself (a wiped or wrong store would otherwise make every node look dead).
 *
 * <p>Blocks are read before nodes. A node that (re)registers after that read then confirms its blocks by a
 * compare-and-swap of its own, which either lands first and makes this one lose, or lands after and sees its entry
 * gone: either way it never hands out an address reclaimed here.
 */
final class Reclaimer {
    private static final System.Logger LOG = System.getLogger(Reclaimer.class.getName());

    private final BlockLedger ledger;
    private final InstantSource clock;
    private final Duration grace;
    /** When each node was first seen without a record; forgotten once it has one again. */
    private final Map<String, Instant> missingSince = new HashMap<>();

    Reclaimer(BlockLedger ledger, InstantSource clock, Duration grace) {
        this.ledger = ledger;
        this.clock = clock;
        this.grace = grace;
    }

    /** One pass over the pool; returns how many blocks it changed or deleted. Store failures propagate. */
    int reclaim() {
        List<BlockLedger.Versioned> blocks = ledger.scan();
        Set<String> live = new HashSet<>();
        for (KeyValue kv : ledger.store().range(BlockLayout.NODES).kvs()) {
            live.add(kv.key().substring(BlockLayout.NODES.length()));
        }
        if (!live.contains(ledger.node())) {
            LOG.log(System.Logger.Level.WARNING, "not reclaiming: this node''s own record {0} is missing from the "
                    + "store''s answer", BlockLayout.nodeKey(ledger.node()));
            return 0;
        }
        Instant now = clock.instant();
        Set<String> mentioned = new HashSet<>();
        blocks.forEach(v -> {
            mentioned.add(v.block().affinity());
            mentioned.addAll(v.block().holders().keySet());
        });
        missingSince.keySet().retainAll(mentioned);
        missingSince.keySet().removeAll(live);
        Set<String> dead = new HashSet<>();
        for (String n : mentioned) {
            if (!live.contains(n)) {
                Instant since = missingSince.computeIfAbsent(n, k -> now);
                if (!now.isBefore(since.plus(grace))) {
                    dead.add(n);
                }
            }
        }
        int changed = 0;
        for (BlockLedger.Versioned v : blocks) {
            if (reclaim(v, dead)) {
                changed++;
            }
        }
        return changed;
    }

    private boolean reclaim(BlockLedger.Versioned v, Set<String> dead) {
        Block b = v.block();
        Block without = b.withoutHolders(dead);
        boolean orphan = dead.contains(b.affinity());
        String key = ledger.layout().key(v.index());
        try {
            if (orphan && without.isEmpty()) {
                ledger.store().deleteIfRevision(key, v.modRevision());
                LOG.log(System.Logger.Level.INFO, "reclaimed block {0} of departed node {1}", key, b.affinity());
                return true;
            }
            if (!without.equals(b)) {
                ledger.store().putIfRevision(key, BlockCodec.encode(without, ledger.layout().size()), v.modRevision(), 0);
                Set<String> gone = new HashSet<>(b.holders().keySet());
                gone.removeAll(without.holders().keySet());
                LOG.log(System.Logger.Level.INFO, "reclaimed the addresses departed nodes {0} held in {1}", gone, key);
                return true;
            }
        } catch (StoreException e) {
            if (e.kind() != StoreException.Kind.CONFLICT) {
                throw e;
            }
            // Someone changed the block since the scan: the next pass looks again.
        }
        return false;
    }
}
