package dev.podnet.blocks;

import dev.podnet.ipam.AddressUse;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AllocationRequest;
import dev.podnet.ipam.AssignedAddress;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.PodRef;
import dev.podnet.ipam.SuppliedPool;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.StoreException;
import inet.ipaddr.IPAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * One node's share of a cluster-wide pool, as Calico's IPAM shares an IP pool: the pool is cut into aligned blocks,
 * the node claims blocks and reserves their addresses for itself in chunks by compare-and-swap in the cluster store,
 * then hands them out from memory: an ADD makes no store call while the node has a free reserved address, and no
 * node ever takes a cluster-wide lock. Modelled on the warm pool: the engine's pool spans the whole CIDR, the free
 * list holds what this node may hand out, an ADD takes the oldest and has the engine journal it (CONFLICT = still
 * in quarantine, try the next).
 *
 * <p>Safety: a node hands out only addresses of its own holder entry as confirmed by a compare-and-swap made after
 * its current registration (see {@link Reserver#confirm}); it stops while its registration may have lapsed; it gives
 * an address back to the store only when the engine reports it free (not held, not in quarantine).
 */
public final class BlockPool implements SuppliedPool {
    private static final System.Logger LOG = System.getLogger(BlockPool.class.getName());
    /** An ADD gives up after this many rounds of finding what it reserved taken by concurrent ADDs. */
    private static final int MAX_ROUNDS = 64;

    private final Ipam ipam;
    private final BlockPoolConfig config;
    private final NodeRegistration registration;
    private final BlockLayout layout;
    private final BlockLedger ledger;
    private final Reserver reserver;
    private final Reclaimer reclaimer;
    private final Holdings holdings;
    private final GiveBack giveBack;
    private final InstantSource clock;
    /** One store change sequence at a time per node: they would only make each other's swaps fail. */
    private final ReentrantLock storeLock = new ReentrantLock();
    private final AtomicLong storeFailures = new AtomicLong();
    private final AtomicLong borrowed = new AtomicLong();
    private volatile long trustedEpoch;
    private volatile Instant nextReclaim = Instant.MIN;
    private volatile String lastFailure = "";
    private volatile Runnable onLow = () -> { };

    public BlockPool(ClusterStore store, Ipam ipam, BlockPoolConfig config, NodeRegistration registration,
                     InstantSource clock, RandomGenerator random) {
        this(store, ipam, config, registration, clock, random, Attempts.Sleeper.REAL);
    }

    BlockPool(ClusterStore store, Ipam ipam, BlockPoolConfig config, NodeRegistration registration,
              InstantSource clock, RandomGenerator random, Attempts.Sleeper sleeper) {
        this.ipam = ipam;
        this.config = config;
        this.registration = registration;
        this.clock = clock;
        this.layout = new BlockLayout(config);
        this.ledger = new BlockLedger(store, layout, registration.node(),
                new Attempts(config.maxAttempts(), config.backoff(), random, sleeper));
        this.reserver = new Reserver(ledger, config);
        this.reclaimer = new Reclaimer(ledger, clock, config.reclaimGrace());
        this.holdings = new Holdings(layout);
        this.giveBack = new GiveBack(ipam, config, layout, ledger, reserver, holdings);
    }

    public String pool() {
        return config.pool();
    }

    public BlockPoolConfig config() {
        return config;
    }

    public String node() {
        return registration.node();
    }

    /** Called when an ADD leaves fewer free addresses than the warm margin: wakes the maintenance loop. */
    public void onLow(Runnable wake) {
        this.onLow = wake;
    }

    // ---- start-up ----

    /**
     * Start-up, and after the registration was renewed as a new lease: registers if needed, confirms the node's
     * holdings in the store and rebuilds the free list from its holder bits minus what the engine's pods hold.
     */
    public void recover() {
        storeLock.lock();
        try {
            for (int i = 0; i < 3; i++) {
                if (registration.epoch() == 0 || !registration.isValid()) {
                    registration.register();
                }
                long epoch = registration.epoch();
                Set<IPAddress> held = new HashSet<>();
                Map<Integer, BitSet> podsHere = new HashMap<>();
                for (Allocation a : ipam.allocations()) {
                    for (AssignedAddress x : a.addresses()) {
                        held.add(x.address());
                        int index = layout.indexOf(x.address());
                        if (a.pool().equals(config.pool()) && index >= 0) {
                            podsHere.computeIfAbsent(index, k -> new BitSet()).set(layout.offsetOf(x.address()));
                        }
                    }
                }
                Map<Integer, BitSet> confirmed = reserver.confirm(podsHere);
                List<IPAddress> free = new ArrayList<>();
                confirmed.forEach((index, bits) -> layout.addresses(index, bits).stream()
                        .filter(a -> !held.contains(a)).forEach(free::add));
                free.sort(Comparator.comparing(IPAddress::getValue));
                holdings.reset(confirmed, free);
                if (registration.epoch() == epoch && registration.isValid()) {
                    trustedEpoch = epoch;
                    LOG.log(System.Logger.Level.INFO, "node {0}, cluster pool {1}: {2} blocks, {3} addresses reserved,"
                            + " {4} free", node(), pool(), confirmed.size(), holdings.reservedCount(), free.size());
                    return;
                }
            }
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "node " + node()
                    + " keeps losing its registration while confirming its blocks", null);
        } finally {
            storeLock.unlock();
        }
    }

    // ---- the pod path ----

    /** ADD: the attachment's address from the free list, reserving more in the store only when it is empty. */
    public Allocation allocate(AttachmentKey key, List<IPAddress> requested) {
        return allocate(key, requested, Optional.empty());
    }

    /** As {@link #allocate(AttachmentKey, List)}, recording the Kubernetes pod behind the attachment. */
    @Override
    public Allocation allocate(AttachmentKey key, List<IPAddress> requested, Optional<PodRef> pod) {
        if (ipam.find(key).isPresent()) {
            return ipam.allocate(new AllocationRequest(key, pool(), requested, pod));
        }
        try {
            ensureTrusted();
            if (!requested.isEmpty()) {
                IPAddress wanted = requested.getFirst();
                if (!holdings.take(wanted)) {
                    throw new IpamException(IpamException.Reason.CONFLICT, "requested address " + wanted
                            + " is not a free address that node " + node() + " reserved in cluster pool " + pool());
                }
                return allocateTaken(key, wanted, pod);
            }
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Allocation a = fromFreeList(key, pod);
                if (a != null) {
                    return a;
                }
                Refill r = refill(holdings.generation(), config.chunk());
                if (r.changed()) {
                    continue;
                }
                if (r.added().isEmpty()) {
                    onLow.run();
                    throw new IpamException(IpamException.Reason.EXHAUSTED, "cluster pool " + pool() + " ("
                            + config.cidr() + ") has no free address for node " + node() + ": the "
                            + holdings.reservedCount() + " it reserved are held by pods or in quarantine, no block is "
                            + "left to claim and no other node's block has a free address");
                }
                // What this caller reserved is its own to try first; the rest is on the free list for the others.
                for (IPAddress x : r.added()) {
                    if (holdings.take(x)) {
                        try {
                            return allocateTaken(key, x, pod);
                        } catch (IpamException e) {
                            if (e.reason() != IpamException.Reason.CONFLICT) {
                                throw e;
                            }
                        }
                    }
                }
            }
        } catch (StoreException e) {
            throw asIpam(e);
        }
        onLow.run();
        throw new IpamException(IpamException.Reason.EXHAUSTED, "cluster pool " + pool() + ": " + MAX_ROUNDS
                + " rounds of reserving addresses were all taken by concurrent ADDs on node " + node()
                + "; try again later");
    }

    private Allocation fromFreeList(AttachmentKey key, Optional<PodRef> pod) {
        int attempts = holdings.freeCount();
        for (int i = 0; i < attempts; i++) {
            IPAddress candidate = holdings.takeOldest();
            if (candidate == null) {
                return null;
            }
            try {
                return allocateTaken(key, candidate, pod);
            } catch (IpamException e) {
                if (e.reason() != IpamException.Reason.CONFLICT) {
                    throw e;
                }
                // In quarantine still: its turn comes after the others.
            }
        }
        return null;
    }

    private Allocation allocateTaken(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
        return allocateTaken(new AllocationRequest(key, pool(), List.of(address), pod), address);
    }

    /** The address the caller took off the free list, for the request; back on the list if the engine refuses. */
    private Allocation allocateTaken(AllocationRequest request, IPAddress address) {
        try {
            Allocation a = ipam.allocate(request);
            if (holdings.freeCount() < config.warmMargin()) {
                onLow.run();
            }
            return a;
        } catch (RuntimeException e) {
            holdings.giveBack(List.of(address));
            throw e;
        }
    }

    /**
     * A StatefulSet pod's address following the pod to this node: one compare-and-swap of its block moves the
     * address's bit from whichever node holds it to this node, then the engine allocates it to {@code key} (out of
     * quarantine, as the pod's own). The node it left drops it with {@link #forget}, never giving it back. A retried
     * ADD finds it here already.
     */
    @Override
    public Allocation claim(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
        if (ipam.find(key).isPresent()) {
            return ipam.allocate(new AllocationRequest(key, pool(), List.of(address), pod));
        }
        int index = layout.indexOf(address);
        if (index < 0 || layout.unusable(index).get(layout.offsetOf(address))) {
            throw new IpamException(IpamException.Reason.INVALID_REQUEST, "address " + address
                    + " is not one cluster pool " + pool() + " hands out");
        }
        int offset = layout.offsetOf(address);
        try {
            ensureTrusted();
            storeLock.lock();
            try {
                ledger.change(index, current -> Optional.of(current.orElseGet(() ->
                        new Block(layout.cidr(index), node(), Map.of())).movedTo(node(), offset)), false);
                if (!holdings.isMine(address)) {
                    BitSet bit = new BitSet();
                    bit.set(offset);
                    holdings.add(index, bit);
                }
            } finally {
                storeLock.unlock();
            }
        } catch (StoreException e) {
            throw asIpam(e);
        }
        holdings.take(address);
        return allocateTaken(new AllocationRequest(key, pool(), List.of(address), pod).reclaiming(), address);
    }

    /**
     * Drops an allocation whose address another node took over ({@link #claim}): released in the engine and no longer
     * this node's, so it never joins the free list here again.
     */
    @Override
    public Optional<Allocation> forget(AttachmentKey key) {
        Optional<Allocation> released = ipam.release(key);
        released.ifPresent(a -> a.addresses().forEach(x -> {
            holdings.take(x.address());
            int index = layout.indexOf(x.address());
            if (index >= 0) {
                BitSet bit = new BitSet();
                bit.set(layout.offsetOf(x.address()));
                holdings.remove(index, bit);
            }
        }));
        return released;
    }

    /** DEL: releases the attachment; its address rests in the engine's quarantine, then serves again. */
    @Override
    public Optional<Allocation> release(AttachmentKey key) {
        Optional<Allocation> released = ipam.release(key);
        released.ifPresent(a -> holdings.giveBack(addresses(a)));
        return released;
    }

    /** CNI GC for this pool. */
    @Override
    public List<Allocation> gc(Set<AttachmentKey> valid) {
        List<Allocation> released = ipam.gc(pool(), valid);
        released.forEach(a -> holdings.giveBack(addresses(a)));
        return released;
    }

    private static List<IPAddress> addresses(Allocation a) {
        return a.addresses().stream().map(AssignedAddress::address).toList();
    }

    /** The node must not hand out what a reclaim may have taken: renew a lapsed registration, re-confirm a new one. */
    private void ensureTrusted() {
        if (!registration.isValid() && !registration.renew()) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "node " + node() + "'s record in the cluster "
                    + "store could not be renewed since " + registration.validUntil()
                    + ", so other nodes may reclaim its addresses", null);
        }
        if (registration.epoch() != trustedEpoch) {
            recover();
        }
    }

    private static IpamException asIpam(StoreException e) {
        String why = switch (e.kind()) {
            case UNAVAILABLE -> "the cluster store is unavailable: " + e.getMessage();
            case CONFLICT -> "too much contention in the cluster store: " + e.getMessage();
            default -> "cluster store failure: " + e.getMessage();
        };
        return new IpamException(IpamException.Reason.EXHAUSTED, why + "; try again later", e);
    }

    // ---- the store side ----

    /** What a refill did: found the free list grown meanwhile (another caller refilled), or reserved these. */
    private record Refill(boolean changed, List<IPAddress> added) {
    }

    /**
     * Reserves about {@code want} more addresses: from the node's own blocks, else a new block, else (after reclaiming
     * departed nodes' blocks) borrowed from another node's block; empty if nothing more could be had. A refill that
     * finds the free list changed since {@code seen} does nothing: the caller looks there again.
     */
    private Refill refill(long seen, int want) {
        storeLock.lock();
        try {
            if (holdings.generation() != seen) {
                return new Refill(true, List.of());
            }
            // ADDs queued behind this one want addresses too: one swap for all of them, not one each.
            int n = Math.min(layout.size(), Math.max(want, config.chunk() * (1 + storeLock.getQueueLength())));
            Optional<Reserver.Reserved> r = reserver.reserveOwn(n).or(() -> reserver.claim(n));
            if (r.isEmpty() && reclaimDue(true) > 0) {
                r = reserver.claim(n);
            }
            if (r.isEmpty()) {
                r = reserver.borrow(n);
                r.ifPresent(x -> borrowed.addAndGet(x.bits().cardinality()));
            }
            return new Refill(false, r.map(x -> holdings.add(x.index(), x.bits())).orElse(List.of()));
        } finally {
            storeLock.unlock();
        }
    }

    /** Reclaims departed nodes' blocks if it is time (or {@code now}); only while this node's record is valid. */
    private int reclaimDue(boolean now) {
        if (!registration.isValid() || (!now && clock.instant().isBefore(nextReclaim))) {
            return 0;
        }
        nextReclaim = clock.instant().plus(registration.renewEvery());
        return reclaimer.reclaim();
    }

    /**
     * One pass of the maintenance loop: re-confirm after a new registration, reserve ahead below the warm margin,
     * give whole free chunks back above it (plus a chunk, so it does not flap), release empty blocks, reclaim
     * departed nodes' blocks every third of the TTL. Store failures are counted and reported, never thrown.
     */
    public Maintenance maintain() {
        try {
            ensureTrusted();
            storeLock.lock();
            try {
                int reserved = 0;
                int free = holdings.freeCount();
                if (free < config.warmMargin()) {
                    reserved = refill(holdings.generation(), config.warmMargin() - free).added().size();
                }
                int unreserved = free >= config.warmMargin() + 2 * config.chunk() ? giveBack.unreserveChunks() : 0;
                int released = giveBack.releaseEmptyBlocks();
                int reclaimed = reclaimDue(false);
                lastFailure = "";
                return new Maintenance(reserved, unreserved, released, reclaimed, "");
            } finally {
                storeLock.unlock();
            }
        } catch (StoreException e) {
            storeFailures.incrementAndGet();
            lastFailure = e.getMessage();
            LOG.log(System.Logger.Level.WARNING, "cluster pool {0}: {1}", pool(), e.getMessage());
            return new Maintenance(0, 0, 0, 0, e.getMessage());
        }
    }

    // ---- observation ----

    /** What one maintenance pass did; {@code failure} is empty when the store answered. */
    public record Maintenance(int reserved, int unreserved, int blocksReleased, int reclaimed, String failure) {
    }

    @Override
    public Counts counts() {
        BlockPoolStats s = stats();
        return new Counts(s.reserved(), s.inUse(), s.free(), s.quarantined());
    }

    public BlockPoolStats stats() {
        List<BlockLedger.Versioned> known = ledger.known();
        Map<Integer, BitSet> mine = holdings.allMine();
        int owned = (int) known.stream().filter(v -> node().equals(v.block().affinity())).count();
        int borrowing = (int) mine.keySet().stream().filter(i -> known.stream()
                .noneMatch(v -> v.index() == i && node().equals(v.block().affinity()))).count();
        List<IPAddress> free = holdings.freeList();
        int quarantined = (int) free.stream().filter(a -> ipam.use(a) instanceof AddressUse.Quarantined).count();
        int reserved = holdings.reservedCount();
        return new BlockPoolStats(owned, borrowing, reserved, reserved - free.size(), free.size() - quarantined,
                quarantined, borrowed.get(), storeFailures.get(), lastFailure);
    }

    /** The free list, oldest first. */
    public List<IPAddress> freeAddresses() {
        return holdings.freeList();
    }

    /** This node's confirmed holder bits, as addresses; for tests and introspection. */
    public Set<IPAddress> reservedAddresses() {
        Set<IPAddress> all = new HashSet<>();
        holdings.allMine().forEach((i, b) -> all.addAll(layout.addresses(i, b)));
        return all;
    }
}
