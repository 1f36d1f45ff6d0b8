package dev.podnet.ipam;

import dev.podnet.ipam.IpamException.Reason;
import inet.ipaddr.IPAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every pool's ranges, every allocation and the quarantine, in memory. Not thread-safe: {@link Ipam} calls it
 * under its lock. Each live operation either changes the state completely or throws without a visible change,
 * and each change is something the journal can record and {@link Replay} can apply again to the same effect.
 */
final class AllocatorState {

    /** The answer to an ADD and whether it changed the state (and so must be journaled). */
    record Outcome(Allocation allocation, boolean created) {
    }

    private final Map<String, List<RangeSet>> pools = new LinkedHashMap<>();
    private final List<RangeSet> allSets = new ArrayList<>();
    /**
     * Hashed: ADD and DEL look a key up, and ordering is only wanted when listing. An allocation is all an
     * attachment holds: one the engine made keeps its slots in its {@link SlotAddresses}.
     */
    private final AllocationTable held = new AllocationTable();
    private final Quarantine quarantine;

    AllocatorState(List<Pool> configured, Duration quarantinePeriod) {
        Pool.requireDisjoint(configured);
        this.quarantine = new Quarantine(quarantinePeriod);
        for (Pool p : configured) {
            List<RangeSet> sets = p.rangeSets().stream().map(rs -> new RangeSet(p.name(), rs)).toList();
            pools.put(p.name(), sets);
            allSets.addAll(sets);
        }
    }

    Optional<Allocation> find(AttachmentKey key) {
        return Optional.ofNullable(held.get(key));
    }

    List<Allocation> allocations() {
        return held.values().stream().sorted(Comparator.comparing(Allocation::key)).toList();
    }

    Outcome allocate(AllocationRequest request, Instant now) {
        Allocation existing = held.get(request.key());
        if (existing != null) {
            return new Outcome(request.requireAnsweredBy(existing), false);
        }
        if (request.reclaim()) {
            return reclaiming(request, now);
        }
        return allocateNew(request, now);
    }

    /**
     * Lifts the requested addresses out of quarantine, then allocates as usual; a refusal puts them back as they were.
     * The journal needs nothing new: replaying an allocation of a quarantined address already takes it out.
     */
    private Outcome reclaiming(AllocationRequest request, Instant now) {
        quarantine.expire(now);
        Map<Slot, Instant> lifted = new LinkedHashMap<>();
        for (IPAddress address : request.requested()) {
            Slot slot = locate(address);
            if (slot != null && quarantine.contains(slot)) {
                lifted.put(slot, quarantine.lift(slot));
            }
        }
        try {
            return allocateNew(request, now);
        } catch (RuntimeException e) {
            lifted.forEach(quarantine::restore);
            throw e;
        }
    }

    /**
     * Gives the allocation of {@code from} to {@code to}, addresses and all, without their passing through quarantine
     * or the free list: a StatefulSet pod's addresses kept for its name between two incarnations, and handed on.
     */
    Allocation rekey(AttachmentKey from, AttachmentKey to, Optional<PodRef> pod) {
        Allocation a = held.get(from);
        if (a == null) {
            throw new IpamException(Reason.NOT_FOUND, from + " holds no address to hand to " + to);
        }
        if (held.containsKey(to)) {
            throw new IpamException(Reason.CONFLICT, to + " already holds " + held.get(to).addresses()
                    + "; it cannot also take those of " + from);
        }
        held.remove(from);
        if (a.addresses() instanceof SlotAddresses slots) {
            for (int i = 0; i < slots.size(); i++) {
                slots.slot(i).disown();
                slots.slot(i).own(to);
            }
        } else {
            for (AssignedAddress x : a.addresses()) {
                Slot slot = locate(x.address());
                if (slot != null && from.equals(slot.owner())) {
                    slot.disown();
                    slot.own(to);
                }
            }
        }
        Allocation moved = new Allocation(to, a.pool(), a.addresses(), a.allocatedAt(), pod.or(a::pod));
        held.add(moved);
        return moved;
    }

    private Outcome allocateNew(AllocationRequest request, Instant now) {
        if (!request.sources().isEmpty()) {
            return new Outcome(allocateFromSources(request, now), true);
        }
        List<RangeSet> sets = pools.get(request.pool());
        if (sets == null) {
            throw new IpamException(Reason.NOT_FOUND, "no pool named " + request.pool());
        }
        quarantine.expire(now);
        // The hot path of every ADD: no streams, no maps and no addresses as objects unless the request names some.
        Map<RangeSet, Slot> wanted = request.requested().isEmpty() ? Map.of() : requestedSlots(request, sets);
        // One range set per family (Pool.rangeSets): one slot, or two for a dual-stack pool.
        Slot first = take(sets.getFirst(), wanted, request.key());
        Slot second = null;
        if (sets.size() > 1) {
            try {
                second = take(sets.get(1), wanted, request.key());
            } catch (RuntimeException e) {
                // Undo partial work, as host-local's cmdAdd does.
                unhold(first);
                throw e;
            }
        }
        // Cursors move only once every family has its address, so a failure leaves them where replay expects.
        sets.getFirst().cursor(first);
        if (second != null) {
            sets.get(1).cursor(second);
        }
        Allocation allocation = new Allocation(request.key(), request.pool(), new SlotAddresses(first, second), now,
                request.pod());
        held.add(allocation);
        return new Outcome(allocation, true);
    }

    /**
     * An ADD whose addresses come from other pools than its own: per family, the sources' range sets in order, the
     * first with a free (or the requested) address giving it. Off the hot path of a pool that serves itself.
     */
    private Allocation allocateFromSources(AllocationRequest request, Instant now) {
        List<RangeSet> sets = new ArrayList<>();
        for (String source : request.sources()) {
            List<RangeSet> of = pools.get(source);
            if (of == null) {
                throw new IpamException(Reason.NOT_FOUND, "no pool named " + source);
            }
            sets.addAll(of);
        }
        quarantine.expire(now);
        Map<RangeSet, Slot> wanted = request.requested().isEmpty() ? Map.of() : requestedSlots(request, sets);
        List<Slot> taken = new ArrayList<>(2);
        try {
            for (boolean ipv4 : new boolean[] {true, false}) {
                List<RangeSet> family = sets.stream().filter(set -> set.ipv4 == ipv4).toList();
                if (!family.isEmpty()) {
                    taken.add(takeFirstFree(family, wanted, request.key()));
                }
            }
        } catch (RuntimeException e) {
            taken.forEach(AllocatorState::unhold);
            throw e;
        }
        taken.forEach(slot -> setOf(slot).cursor(slot));
        Allocation allocation = new Allocation(request.key(), request.pool(),
                new SlotAddresses(taken.getFirst(), taken.size() == 2 ? taken.get(1) : null), now, request.pod());
        held.add(allocation);
        return allocation;
    }

    private Slot takeFirstFree(List<RangeSet> family, Map<RangeSet, Slot> wanted, AttachmentKey key) {
        for (RangeSet set : family) {
            Slot requested = wanted.get(set);
            if (requested != null) {
                hold(requested, key);
                return requested;
            }
        }
        for (RangeSet set : family) {
            Slot slot = set.next();
            if (slot != null) {
                hold(slot, key);
                return slot;
            }
        }
        throw family.size() == 1 ? exhausted(family.getFirst()) : new IpamException(Reason.EXHAUSTED, "pools "
                + family.stream().map(set -> set.pool).toList() + " have no free " + family.getFirst().family()
                + " address");
    }

    /**
     * Adds a pool to a running engine (an IP pool object that appeared), or changes one that holds no address.
     * Addresses of allocations replayed while the pool was unknown are held again for their owners.
     */
    void define(Pool pool) {
        List<RangeSet> old = pools.get(pool.name());
        if (old != null && sameRanges(old, pool)) {
            return;
        }
        if (old != null && old.stream().anyMatch(set -> set.counts().total() != set.counts().free())) {
            throw new IpamException(Reason.CONFLICT, "pool " + pool.name() + " has addresses in use or in quarantine;"
                    + " its new ranges take effect once they are released");
        }
        List<Pool> others = new ArrayList<>();
        pools.forEach((name, sets) -> {
            if (!name.equals(pool.name())) {
                others.add(new Pool(name, rangesOf(sets, true), rangesOf(sets, false)));
            }
        });
        others.add(pool);
        Pool.requireDisjoint(others);
        if (old != null) {
            allSets.removeAll(old);
        }
        List<RangeSet> sets = pool.rangeSets().stream().map(rs -> new RangeSet(pool.name(), rs)).toList();
        pools.put(pool.name(), sets);
        allSets.addAll(sets);
        for (Allocation a : held.values()) {
            if (!(a.addresses() instanceof SlotAddresses)) {
                for (AssignedAddress address : a.addresses()) {
                    Slot slot = locate(address.address());
                    if (slot != null && sets.contains(setOf(slot)) && slot.owner() == null) {
                        hold(slot, a.key());
                    }
                }
            }
        }
    }

    private static boolean sameRanges(List<RangeSet> sets, Pool pool) {
        return rangesOf(sets, true).equals(pool.ipv4()) && rangesOf(sets, false).equals(pool.ipv6());
    }

    private static List<IpRange> rangesOf(List<RangeSet> sets, boolean ipv4) {
        return sets.stream().filter(s -> s.ipv4 == ipv4).flatMap(s -> s.ranges.stream().map(r -> r.range))
                .toList();
    }

    Optional<Allocation> release(AttachmentKey key, Instant releasedAt) {
        Allocation allocation = held.remove(key);
        if (allocation == null) {
            return Optional.empty();
        }
        if (allocation.addresses() instanceof SlotAddresses slots) {
            for (int i = 0; i < slots.size(); i++) {
                release(slots.slot(i), releasedAt);
            }
        } else {
            // Replayed with an address whose range has left the configuration (see replayAllocated): the other
            // addresses are found by value.
            for (AssignedAddress a : allocation.addresses()) {
                Slot slot = locate(a.address());
                if (slot != null) {
                    release(slot, releasedAt);
                }
            }
        }
        return Optional.of(allocation);
    }

    /** Keys of every attachment of one container. */
    List<AttachmentKey> keysOf(String containerId) {
        return held.values().stream().map(Allocation::key).filter(k -> k.containerId().equals(containerId)).sorted()
                .toList();
    }

    List<AttachmentKey> keys() {
        return held.values().stream().map(Allocation::key).sorted().toList();
    }

    List<PoolStatus> status(Instant now) {
        quarantine.expire(now);
        List<PoolStatus> result = new ArrayList<>();
        pools.forEach((name, sets) -> {
            PoolStatus.Counts v4 = PoolStatus.Counts.NONE;
            PoolStatus.Counts v6 = PoolStatus.Counts.NONE;
            for (RangeSet set : sets) {
                if (set.ipv4) {
                    v4 = set.counts();
                } else {
                    v6 = set.counts();
                }
            }
            result.add(new PoolStatus(name, v4, v6));
        });
        return result;
    }

    AddressUse use(IPAddress address, Instant now) {
        quarantine.expire(now);
        Slot slot = locate(Addresses.normalise(address));
        if (slot == null) {
            return new AddressUse.Unmanaged();
        }
        AttachmentKey owner = slot.owner();
        if (owner != null) {
            return new AddressUse.Held(owner);
        }
        return quarantine.contains(slot) ? AddressUse.quarantinedUntil(quarantine.until(slot)) : new AddressUse.Free();
    }

    // ---- replay: the journal says it happened, so these check consistency instead of policy ----

    void replayAllocated(JournalRecord.Allocated record) {
        AttachmentKey key = record.key();
        if (held.containsKey(key)) {
            throw new IllegalStateException(key + " is allocated twice");
        }
        List<Slot> slots = new ArrayList<>();
        List<AssignedAddress> assigned = new ArrayList<>();
        for (IPAddress address : record.addresses()) {
            Slot slot = locate(address);
            if (slot == null) {
                // Its range left the configuration: keep the allocation so GC and DEL still see it.
                assigned.add(new AssignedAddress(address, address.getBitCount(), Optional.empty()));
                continue;
            }
            AttachmentKey owner = slot.owner();
            if (owner != null) {
                throw new IllegalStateException(address + " is allocated to both " + owner + " and " + key);
            }
            if (quarantine.contains(slot)) {
                quarantine.reclaim(slot);
                slot.own(key);
            } else {
                hold(slot, key);
            }
            setOf(slot).cursor(slot);
            slots.add(slot);
            assigned.add(slot.assigned());
        }
        // The shape a live ADD gives, unless some address is no longer the engine's: then release finds the
        // others by value.
        boolean asAllocated = slots.size() == record.addresses().size() && !slots.isEmpty() && slots.size() <= 2;
        List<AssignedAddress> list = asAllocated
                ? new SlotAddresses(slots.getFirst(), slots.size() == 2 ? slots.get(1) : null) : assigned;
        held.add(new Allocation(key, record.pool(), list, record.at(), record.pod()));
    }

    void replayReleased(AttachmentKey key, Instant at) {
        if (release(key, at).isEmpty()) {
            throw new IllegalStateException(key + " is released but holds nothing");
        }
    }

    void replayQuarantined(IPAddress address, Instant releasedAt) {
        Slot slot = locate(address);
        if (slot != null) {
            if (slot.owner() != null || quarantine.contains(slot)) {
                throw new IllegalStateException(address + " is both quarantined and held");
            }
            slot.range().take(slot.offset());
            slot.range().used++;
            quarantine.add(slot, releasedAt);
        }
    }

    void replayCursor(String pool, IPAddress address) {
        for (RangeSet set : pools.getOrDefault(pool, List.of())) {
            Slot slot = set.find(address);
            if (slot != null) {
                set.cursor(slot);
            }
        }
    }

    /** Everything a snapshot must hold for replay to rebuild this state. */
    void writeSnapshot(SnapshotSink sink) {
        allocations().forEach(sink::allocated);
        quarantine.entries().forEach(e -> sink.quarantined(e.slot().address(), e.releasedAt()));
        for (RangeSet set : allSets) {
            Slot cursor = set.cursor();
            if (cursor != null) {
                sink.cursor(set.pool, cursor.address());
            }
        }
    }

    interface SnapshotSink {
        void allocated(Allocation allocation);

        void quarantined(IPAddress address, Instant releasedAt);

        void cursor(String pool, IPAddress address);
    }

    // ---- helpers ----

    private Slot take(RangeSet set, Map<RangeSet, Slot> wanted, AttachmentKey key) {
        Slot slot = wanted.get(set);
        if (slot == null) {
            slot = set.next();
        }
        if (slot == null) {
            throw exhausted(set);
        }
        hold(slot, key);
        return slot;
    }

    private void hold(Slot slot, AttachmentKey key) {
        slot.range().take(slot.offset());
        slot.range().used++;
        slot.own(key);
    }

    private void release(Slot slot, Instant releasedAt) {
        slot.disown();
        quarantine.add(slot, releasedAt);
    }

    private static void unhold(Slot slot) {
        slot.disown();
        slot.range().used--;
        slot.range().free(slot.offset());
    }

    private Slot locate(IPAddress address) {
        for (RangeSet set : allSets) {
            Slot slot = set.find(address);
            if (slot != null) {
                return slot.range().isReserved(slot.offset()) ? null : slot;
            }
        }
        return null;
    }

    private RangeSet setOf(Slot slot) {
        return allSets.stream().filter(s -> s.owns(slot)).findFirst().orElseThrow();
    }

    private Map<RangeSet, Slot> requestedSlots(AllocationRequest request, List<RangeSet> sets) {
        Map<RangeSet, Slot> wanted = new HashMap<>();
        for (IPAddress address : request.requested()) {
            List<RangeSet> family = sets.stream().filter(s -> s.ipv4 == address.isIPv4()).toList();
            if (family.isEmpty()) {
                throw IpamException.invalid("pool " + request.pool() + " has no " + Addresses.family(address.isIPv4())
                        + " range for requested address " + address);
            }
            RangeSet set = null;
            Slot slot = null;
            for (int i = 0; slot == null && i < family.size(); i++) {
                set = family.get(i);
                slot = set.find(address);
            }
            if (slot == null) {
                throw IpamException.invalid("requested address " + address + " is outside every range of "
                        + (request.sources().isEmpty() ? "pool " + request.pool() : "pools " + request.sources()));
            }
            String why = slot.range().reservedWhy(slot.offset());
            if (why != null) {
                throw IpamException.invalid("requested address " + address + " is " + why);
            }
            AttachmentKey owner = slot.owner();
            if (owner != null) {
                throw new IpamException(Reason.CONFLICT, "requested address " + address + " is held by " + owner);
            }
            Optional<Instant> until = quarantine.until(slot);
            if (until.isPresent()) {
                throw new IpamException(Reason.CONFLICT, "requested address " + address
                        + " was released recently and is in quarantine until " + until.get());
            }
            wanted.put(set, slot);
        }
        return wanted;
    }

    private IpamException exhausted(RangeSet set) {
        long waiting = set.counts().quarantined();
        String detail = waiting == 0 ? "all " + set.counts().total() + " addresses are in use"
                : waiting + " addresses in quarantine until "
                + quarantine.earliestEnd(set::owns).map(Instant::toString).orElse("?");
        return new IpamException(Reason.EXHAUSTED, "pool " + set.pool + " has no free " + set.family()
                + " address: " + detail);
    }
}
