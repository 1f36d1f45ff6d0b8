package dev.podnet.blocks;

import dev.podnet.kube.KubeMockProcess;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.kube.KubeStore;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The concurrency test on the API-server store, fabric8's mock server (in a JVM of its own: this module's tests also
 * load jetcd), in real time with live leases.
 */
class KubeConcurrencyTest extends ConcurrencyContract {
    @RegisterExtension
    static final KubeMockProcess KUBE = new KubeMockProcess();
    private static final AtomicInteger STORES = new AtomicInteger();

    @Override
    protected ClusterStore store(Path dir) {
        return KubeStore.builder(KUBE.podnetClient(), InstantSource.system()).name("blocks-" + STORES.incrementAndGet()).open();
    }

    @Override
    protected InstantSource clock() {
        return InstantSource.system();
    }
}
