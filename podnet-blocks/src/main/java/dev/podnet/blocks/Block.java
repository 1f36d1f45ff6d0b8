package dev.podnet.blocks;

import dev.podnet.net.Cidr;
import java.util.BitSet;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A block's record in the store: its CIDR, the node it belongs to (affinity), and per holder the offsets that node
 * reserved. An address of the block is taken iff some holder has its bit: a node hands out only addresses of its own
 * holder entry, and every change is a compare-and-swap of the whole record, so no two holders ever share a bit.
 * Immutable: the bitmaps are copied in and out. Holders with no bits are dropped.
 */
record Block(Cidr cidr, String affinity, Map<String, BitSet> holders) {

    Block {
        TreeMap<String, BitSet> copy = new TreeMap<>();
        holders.forEach((node, bits) -> {
            if (!bits.isEmpty()) {
                copy.put(node, (BitSet) bits.clone());
            }
        });
        holders = Collections.unmodifiableMap(copy);
    }

    /** Offsets taken by any holder. */
    BitSet taken() {
        BitSet all = new BitSet();
        holders.values().forEach(all::or);
        return all;
    }

    /** A copy of what {@code node} holds. */
    BitSet held(String node) {
        BitSet b = holders.get(node);
        return b == null ? new BitSet() : (BitSet) b.clone();
    }

    /** Offsets taken by holders other than {@code node}. */
    BitSet takenByOthers(String node) {
        BitSet all = new BitSet();
        holders.forEach((n, bits) -> {
            if (!n.equals(node)) {
                all.or(bits);
            }
        });
        return all;
    }

    /** This block with {@code node}'s entry replaced by {@code bits}; refuses bits another holder has. */
    Block withHolder(String node, BitSet bits) {
        BitSet clash = takenByOthers(node);
        clash.and(bits);
        if (!clash.isEmpty()) {
            throw new IllegalStateException("offsets " + clash + " of " + cidr + " are held by another node");
        }
        TreeMap<String, BitSet> next = new TreeMap<>(holders);
        next.put(node, bits);
        return new Block(cidr, affinity, next);
    }

    /** This block with {@code offset} taken from whichever holder has it and given to {@code node}. */
    Block movedTo(String node, int offset) {
        TreeMap<String, BitSet> next = new TreeMap<>();
        holders.forEach((n, bits) -> {
            BitSet b = (BitSet) bits.clone();
            b.clear(offset);
            next.put(n, b);
        });
        next.computeIfAbsent(node, n -> new BitSet()).set(offset);
        return new Block(cidr, affinity, next);
    }

    Block withoutHolders(Set<String> nodes) {
        TreeMap<String, BitSet> next = new TreeMap<>(holders);
        next.keySet().removeAll(nodes);
        return new Block(cidr, affinity, next);
    }

    boolean isEmpty() {
        return holders.isEmpty();
    }
}
