package dev.podnet.cli;

import dev.podnet.kube.KubeConnection;
import dev.podnet.net.InvalidInputException;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.EmbeddedStore;
import dev.podnet.store.StoreException;
import dev.podnet.store.etcd.EtcdStore;
import dev.podnet.store.etcd.EtcdStoreOptions;
import dev.podnet.store.kube.KubeStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cluster store a command is pointed at, from its flags: etcd ({@code --etcd-endpoints}), the embedded store
 * ({@code --store-dir}, the agent on one machine) or the API server ({@code --kubeconfig}). Exactly one may be given;
 * with none, the API server is found as kubectl finds it (KUBECONFIG, else the pod's service account).
 */
final class ClusterStores {

    /** A chosen store: what it is, in words, and how to open it. */
    record Choice(String where, Function<InstantSource, ClusterStore> opener) {
    }

    private ClusterStores() {
    }

    /**
     * @param storeDir empty for a command without {@code --store-dir}
     * @param node     the node's name: the holder of the leases it takes on the API server
     */
    static Choice choose(List<String> etcdEndpoints, Optional<Path> storeDir, Optional<Path> kubeconfig,
                         Map<String, String> env, String node, boolean embeddedAllowed) {
        String flags = embeddedAllowed ? "--etcd-endpoints, --kubeconfig or --store-dir" : "--etcd-endpoints or --kubeconfig";
        int given = (etcdEndpoints.isEmpty() ? 0 : 1) + (storeDir.isPresent() ? 1 : 0) + (kubeconfig.isPresent() ? 1 : 0);
        if (given > 1) {
            throw new InvalidInputException("give one cluster store: " + flags + ", not several");
        }
        if (!etcdEndpoints.isEmpty()) {
            EtcdStoreOptions options;
            try {
                options = EtcdStore.builder().endpoints(etcdEndpoints).build();
            } catch (StoreException e) {
                throw new InvalidInputException("--etcd-endpoints: " + e.getMessage());
            }
            return new Choice("etcd at " + String.join(",", etcdEndpoints), clock -> EtcdStore.open(options));
        }
        if (storeDir.isPresent()) {
            return new Choice("the embedded store in " + storeDir.get(), clock -> EmbeddedStore.open(storeDir.get(), clock));
        }
        String server;
        // Reads the kubeconfig now, so that a bad one is an error before anything starts.
        try (KubernetesClient client = kube(kubeconfig, env, embeddedAllowed)) {
            server = client.getMasterUrl().toString();
        }
        return new Choice("the API server at " + server,
                clock -> KubeStore.builder(kube(kubeconfig, env, embeddedAllowed), clock).holder(node).open());
    }

    private static KubernetesClient kube(Optional<Path> kubeconfig, Map<String, String> env, boolean embeddedAllowed) {
        return KubeConnection.connect(kubeconfig, env).orElseThrow(() -> new InvalidInputException(
                "no cluster store: give " + (embeddedAllowed ? "--etcd-endpoints URL[,URL], --kubeconfig FILE (or set "
                        + "KUBECONFIG, or run in a pod), or --store-dir DIR for the embedded one"
                        : "--etcd-endpoints URL[,URL] or --kubeconfig FILE (or set KUBECONFIG, or run in a pod)")));
    }
}
