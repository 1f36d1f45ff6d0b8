package dev.podnet.agent;

import dev.podnet.blocks.BlockPool;
import dev.podnet.blocks.BlockPoolConfig;
import dev.podnet.blocks.BlockPoolLoop;
import dev.podnet.blocks.NodeRegistration;
import dev.podnet.ipam.Ipam;
import dev.podnet.kube.IpPool;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.StoreException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The IPPools this node shares with other nodes (no {@code spec.nodeName} of its own), each served as a cluster pool
 * of /26 blocks claimed by compare-and-swap in the cluster store, as {@code --cluster-pool} serves its pool: an ADD
 * takes an address the node reserved ahead, with no store call while it has one, so a /10 pool allocates as fast as
 * a /24. Joined at the first ADD that needs the pool (or at start when the node's pods hold its addresses): a cluster
 * without shared pools never registers its nodes in the store.
 */
final class SharedPools implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SharedPools.class.getName());
    private static final Duration MAINTAIN_EVERY = Duration.ofSeconds(2);

    private final Function<InstantSource, ClusterStore> openStore;
    private final String node;
    private final Ipam ipam;
    private final InstantSource clock;
    private final Map<String, BlockPool> pools = new ConcurrentHashMap<>();
    private ClusterStore store;
    private NodeRegistration registration;
    private BlockPoolLoop loop;

    SharedPools(Function<InstantSource, ClusterStore> openStore, String node, Ipam ipam, InstantSource clock) {
        this.openStore = openStore;
        this.node = node;
        this.ipam = ipam;
        this.clock = clock;
    }

    Optional<BlockPool> get(String pool) {
        return Optional.ofNullable(pools.get(pool));
    }

    /** The pool's share on this node, joining it first if needed. A later change of its spec applies after a restart. */
    synchronized BlockPool serve(IpPool p) {
        BlockPool served = pools.get(p.name());
        if (served != null) {
            return served;
        }
        BlockPoolConfig config = BlockPoolConfig.builder(p.name(), p.subnet().toString())
                .blockLength(Math.max(BlockPoolConfig.DEFAULT_BLOCK_LENGTH, p.subnet().prefixLength()))
                .ranges(p.ranges()).build();
        ipam.define(config.enginePool());
        if (store == null) {
            store = openStore.apply(clock);
            registration = new NodeRegistration(store, node, config.nodeTtl(), clock);
            loop = new BlockPoolLoop(registration, List.of(), MAINTAIN_EVERY).start();
        }
        BlockPool pool = new BlockPool(store, ipam, config, registration, clock, new SecureRandom());
        try {
            pool.recover();
        } catch (StoreException e) {
            // Its ADDs answer code 11 until the loop gets through; the node's other pools serve meanwhile.
            LOG.log(System.Logger.Level.WARNING, "IPPool {0}: cannot reach the cluster store yet: {1}", p.name(),
                    e.getMessage());
        }
        loop.add(pool);
        pools.put(p.name(), pool);
        return pool;
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.close();
            store.close();
        }
    }
}
