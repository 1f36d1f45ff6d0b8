package dev.podnet.blocks;

import dev.podnet.net.InvalidInputException;
import dev.podnet.store.ClusterStore;
import java.time.InstantSource;
import java.util.function.Function;

/**
 * How a node agent joins the cluster for its cluster-wide pool ({@code podnet agent --cluster-pool}).
 *
 * @param pool  the cluster pool
 * @param node  this node's name in the store
 * @param store opens the cluster store the node is pointed at (etcd, the API server, the embedded one); the
 *              composition root chooses which
 * @param where the store in words, for logs: "etcd at http://10.0.0.5:2379"
 */
public record ClusterSettings(BlockPoolConfig pool, String node, Function<InstantSource, ClusterStore> store,
                              String where) {

    public ClusterSettings {
        try {
            NodeRegistration.requireNodeName(node);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--node-name: " + e.getMessage());
        }
    }
}
