package dev.podnet.cli.netns;

import dev.podnet.kube.KubeMockProcess;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.kube.KubeStore;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The overlay end to end with its leases in the Kubernetes API server (fabric8's mock server, in a JVM of its own) and no etcd at all:
 * nodes 1 and 2 share a KubeStore, node 3 runs {@code podnet overlay --kubeconfig F --node-name N}, and the keys from
 * outside are written by a store of their own, as another node's would be.
 */
class OverlayKubeNetnsTest extends OverlayNetnsContract {
    @RegisterExtension
    static final KubeMockProcess KUBE = new KubeMockProcess();

    private ClusterStore outside;

    @BeforeEach
    void openOutside() {
        outside = KubeStore.builder(KUBE.podnetClient(), InstantSource.system()).holder("outside").open();
        cleanup.add(outside);
    }

    @Override
    protected ClusterStore openStore() {
        return KubeStore.builder(KUBE.podnetClient(), InstantSource.system()).holder("nodes-1-and-2").open();
    }

    @Override
    protected List<String> storeFlags(String node) throws Exception {
        return List.of("--kubeconfig", KUBE.kubeconfig(dir).toString(), "--node-name", node);
    }

    @Override
    protected void put(String key, String value) {
        outside.put(key, value.getBytes(StandardCharsets.UTF_8), 0);
    }

    @Override
    protected String get(String key) {
        return outside.get(key).map(KeyValue::valueText).orElse("");
    }

    @Override
    protected void delete(String key) {
        outside.get(key).ifPresent(kv -> outside.deleteIfRevision(key, kv.modRevision()));
    }

    @Override
    protected String listing(String prefix) {
        return outside.range(prefix).kvs().stream().map(kv -> kv.key() + "\n" + kv.valueText() + "\n")
                .collect(Collectors.joining());
    }
}
