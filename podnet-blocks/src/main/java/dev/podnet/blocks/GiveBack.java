package dev.podnet.blocks;

import dev.podnet.ipam.Ipam;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The shrinking half of a node's maintenance: whole free chunks go back to the store above the warm margin, and
 * blocks the node owns with nothing reserved in them are deleted. An address goes back only after it is taken off
 * the free list and the engine reports it free, so no ADD can hand it out meanwhile and no address in quarantine
 * ever serves another node. Called under the pool's store lock.
 */
final class GiveBack {
    private final Ipam ipam;
    private final BlockPoolConfig config;
    private final BlockLayout layout;
    private final BlockLedger ledger;
    private final Reserver reserver;
    private final Holdings holdings;

    GiveBack(Ipam ipam, BlockPoolConfig config, BlockLayout layout, BlockLedger ledger, Reserver reserver,
             Holdings holdings) {
        this.ipam = ipam;
        this.config = config;
        this.layout = layout;
        this.ledger = ledger;
        this.reserver = reserver;
        this.holdings = holdings;
    }

    /** Gives back aligned chunks all of whose reserved addresses are free, borrowed ones first, down to the margin. */
    int unreserveChunks() {
        List<BlockLedger.Versioned> blocks = new ArrayList<>(ledger.known());
        // Borrowed addresses go back to their owner first; then the blocks with the fewest pods, to empty them.
        blocks.sort(Comparator.comparing((BlockLedger.Versioned v) -> ledger.node().equals(v.block().affinity()))
                .thenComparingInt(v -> inUse(v.index())));
        int given = 0;
        for (BlockLedger.Versioned v : blocks) {
            BitSet mine = holdings.mine(v.index());
            for (int start = 0; start < layout.size(); start += config.chunk()) {
                BitSet bits = (BitSet) mine.clone();
                bits.clear(0, start);
                bits.clear(start + config.chunk(), layout.size());
                if (bits.isEmpty() || holdings.freeCount() - bits.cardinality() < config.warmMargin() + config.chunk()) {
                    continue;
                }
                List<IPAddress> addresses = layout.addresses(v.index(), bits);
                if (!holdings.takeAll(addresses)) {
                    continue;
                }
                // The free list may hold addresses still in quarantine: those must not serve another node yet.
                if (!addresses.stream().allMatch(a -> ipam.use(a).isFree())) {
                    holdings.giveBack(addresses);
                    continue;
                }
                try {
                    reserver.unreserve(v.index(), bits);
                } catch (RuntimeException e) {
                    holdings.giveBack(addresses);
                    throw e;
                }
                holdings.remove(v.index(), bits);
                given += bits.cardinality();
            }
        }
        return given;
    }

    private int inUse(int index) {
        BitSet mine = holdings.mine(index);
        return (int) layout.addresses(index, mine).stream().filter(a -> !holdings.isFree(a)).count();
    }

    /** Deletes own blocks nobody holds anything in, while the node has free addresses elsewhere. */
    int releaseEmptyBlocks() {
        int released = 0;
        for (BlockLedger.Versioned v : ledger.known()) {
            if (holdings.freeCount() > 0 && ledger.node().equals(v.block().affinity()) && holdings.mine(v.index()).isEmpty()
                    && reserver.releaseIfEmpty(v.index())) {
                holdings.forget(v.index());
                released++;
            }
        }
        return released;
    }
}
