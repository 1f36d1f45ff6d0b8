package dev.podnet.ipam;

import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A pool whose addresses are supplied from outside the engine (EC2 through a node's warm pool, the cluster through a
 * cluster pool's blocks): it owns its free list, so ADD, DEL and GC of its addresses go through it, and an address
 * can move to it from another node (a StatefulSet pod's). The engine journals every allocation either way.
 */
public interface SuppliedPool {

    /** What the node holds of the supply: {@code held} = {@code inUse} + {@code free} + {@code resting}. */
    record Counts(long held, long inUse, long free, long resting) {
    }

    Allocation allocate(AttachmentKey key, List<IPAddress> requested, Optional<PodRef> pod);

    Optional<Allocation> release(AttachmentKey key);

    /** CNI GC: releases every allocation of this pool whose key is not {@code valid}. */
    List<Allocation> gc(Set<AttachmentKey> valid);

    /** A pod taking its own address back, out of its release quarantine if it rests there. */
    default Allocation reclaim(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
        return allocate(key, List.of(address), pod);
    }

    /** Takes {@code address} over from another node and allocates it to {@code key}. */
    Allocation claim(AttachmentKey key, IPAddress address, Optional<PodRef> pod);

    /** Drops addresses that now belong to another node: unlike {@link #release}, they never serve here again. */
    Optional<Allocation> forget(AttachmentKey key);

    Counts counts();
}
