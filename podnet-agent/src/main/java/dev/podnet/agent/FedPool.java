package dev.podnet.agent;

import dev.podnet.api.AgentReply;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.PodRef;
import dev.podnet.ipam.SuppliedPool;
import dev.podnet.warm.WarmPool;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A pool whose addresses are supplied from outside the engine (EC2 through the warm pool, the cluster through its
 * blocks): it owns the free list, so its ADD, DEL and GC go through it, and its counts are what the node holds rather
 * than the engine range behind it.
 */
interface FedPool {
    Allocation allocate(AttachmentKey key, List<IPAddress> requested, Optional<PodRef> pod);

    Optional<Allocation> release(AttachmentKey key);

    List<Allocation> gc(Set<AttachmentKey> valid);

    AgentReply.PoolStatus counts(String name);

    /** A StatefulSet pod taking its own address back, out of its release quarantine if it rests there. */
    default Allocation reclaim(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
        return allocate(key, List.of(address), pod);
    }

    /** Whether a StatefulSet pod's address can follow it here from another node ({@link #claim}). */
    default boolean movable() {
        return false;
    }

    /** Takes {@code address} over from another node and allocates it to {@code key}; see {@link #movable}. */
    default Allocation claim(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
        throw new UnsupportedOperationException("addresses of this pool do not move between nodes");
    }

    /** Drops addresses that now belong to another node: unlike {@link #release}, they never serve here again. */
    default Optional<Allocation> forget(AttachmentKey key) {
        return release(key);
    }

    /** The route table for traffic from the allocation's addresses; empty for the main table. */
    default Optional<Integer> routeTable(Allocation a) {
        return Optional.empty();
    }

    /** The destinations {@link #routeTable} is for (the VPC's blocks when the node SNATs); empty for all. */
    default List<String> routeScope() {
        return List.of();
    }

    /**
     * The pool feeding each pool name's addresses: the agent's own fed pools (EC2, --cluster-pool), else a shared
     * IPPool's blocks when there is an API server ({@code apiPools} may be null); empty for the engine's own pools.
     */
    static Function<String, Optional<FedPool>> lookup(Map<String, FedPool> fed, ApiPools apiPools) {
        return pool -> {
            FedPool f = fed.get(pool);
            return f != null || apiPools == null ? Optional.ofNullable(f) : apiPools.shared(pool).map(FedPool::of);
        };
    }

    /** An EC2 warm pool: its ENI decides the route table, for {@code routeScope} ({@link SnatSetup#ruleScope()}). */
    static FedPool of(WarmPool w, List<String> routeScope) {
        // One address per pod from EC2's pool (IPv4): its ENI decides.
        return of(w, a -> {
            var table = w.routeTable(a.addresses().getFirst().address());
            return table.isPresent() ? Optional.of(table.getAsInt()) : Optional.empty();
        }, routeScope);
    }

    /** A pool routed by the main table, as a cluster pool's blocks are. */
    static FedPool of(SuppliedPool p) {
        return of(p, a -> Optional.empty(), List.of());
    }

    private static FedPool of(SuppliedPool p, Function<Allocation, Optional<Integer>> table, List<String> routeScope) {
        List<String> scope = List.copyOf(routeScope);
        return new FedPool() {
            public Allocation allocate(AttachmentKey key, List<IPAddress> requested, Optional<PodRef> pod) {
                return p.allocate(key, requested, pod);
            }

            public Optional<Allocation> release(AttachmentKey key) {
                return p.release(key);
            }

            public List<Allocation> gc(Set<AttachmentKey> valid) {
                return p.gc(valid);
            }

            @Override
            public Allocation reclaim(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
                return p.reclaim(key, address, pod);
            }

            @Override
            public boolean movable() {
                return true;
            }

            @Override
            public Allocation claim(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
                return p.claim(key, address, pod);
            }

            @Override
            public Optional<Allocation> forget(AttachmentKey key) {
                return p.forget(key);
            }

            @Override
            public Optional<Integer> routeTable(Allocation a) {
                return table.apply(a);
            }

            @Override
            public List<String> routeScope() {
                return scope;
            }

            public AgentReply.PoolStatus counts(String name) {
                SuppliedPool.Counts c = p.counts();
                return new AgentReply.PoolStatus(name, c.held(), c.inUse(), c.free(), c.resting());
            }
        };
    }
}
