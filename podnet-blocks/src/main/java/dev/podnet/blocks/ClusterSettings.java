package dev.podnet.blocks;

import dev.podnet.net.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a node agent joins the cluster for its cluster-wide pool ({@code podnet agent --cluster-pool}).
 *
 * @param pool          the cluster pool
 * @param node          this node's name in the store (default: the host name)
 * @param etcdEndpoints etcd client URLs; empty = the embedded store in {@code storeDir} (a single machine)
 * @param storeDir      the embedded store's directory
 */
public record ClusterSettings(BlockPoolConfig pool, String node, List<String> etcdEndpoints, Optional<Path> storeDir) {

    public ClusterSettings {
        etcdEndpoints = List.copyOf(etcdEndpoints);
        try {
            NodeRegistration.requireNodeName(node);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--node-name: " + e.getMessage());
        }
        if (etcdEndpoints.isEmpty() && storeDir.isEmpty()) {
            throw new InvalidInputException("--cluster-pool needs a cluster store: --etcd-endpoints URL[,URL], or "
                    + "--store-dir DIR for the embedded one");
        }
        if (!etcdEndpoints.isEmpty() && storeDir.isPresent()) {
            throw new InvalidInputException("give --etcd-endpoints or --store-dir, not both");
        }
    }
}
