package dev.podnet.blocks;

import dev.podnet.ipam.Ipam;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.StoreException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/**
 * The agent's part in a cluster pool: the store connection, the node's registration, its BlockPool (recovered from
 * the store and the engine) and the loop that keeps both up. Closing stops the loop and closes the store; the record
 * is left to expire, since the node's pods keep their addresses across an agent restart.
 */
public final class ClusterMember implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterMember.class.getName());
    /** How often the loop runs when nothing wakes it: reserve-ahead and give-back do not need to be faster. */
    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final ClusterStore store;
    private final BlockPool pool;
    private final BlockPoolLoop loop;

    private ClusterMember(ClusterStore store, BlockPool pool, BlockPoolLoop loop) {
        this.store = store;
        this.pool = pool;
        this.loop = loop;
    }

    /** Opens the store, registers, recovers the pool and starts the loop; the engine must have {@code enginePool()}. */
    public static ClusterMember start(ClusterSettings settings, Ipam ipam, InstantSource clock) {
        ClusterStore store = settings.store().apply(clock);
        try {
            NodeRegistration registration = new NodeRegistration(store, settings.node(), settings.pool().nodeTtl(),
                    clock);
            BlockPool pool = new BlockPool(store, ipam, settings.pool(), registration, clock, new SecureRandom());
            try {
                pool.recover();
            } catch (StoreException e) {
                // Node-local pools must start anyway; this one answers code 11 until its loop gets through.
                LOG.log(System.Logger.Level.WARNING, "cluster pool {0}: cannot reach the cluster store yet: {1}",
                        settings.pool().pool(), e.getMessage());
            }
            return new ClusterMember(store, pool, new BlockPoolLoop(registration, List.of(pool), INTERVAL).start());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public BlockPool pool() {
        return pool;
    }

    /** The member's store connection, for the node's other shared state (the EC2 call budget); closed with it. */
    public ClusterStore store() {
        return store;
    }

    @Override
    public void close() {
        loop.close();
        store.close();
    }

    @Override
    public String toString() {
        return "cluster pool " + pool.pool() + " of node " + pool.node();
    }
}
