package dev.podnet.store.kube;

import dev.podnet.kube.KubeMock;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.ClusterStoreContract;
import dev.podnet.store.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract on fabric8's mock API server (CRUD mode), with leases on a virtual clock. One server serves the
 * class; each test's store has a name of its own, so it looks empty.
 */
class KubeStoreContractTest extends ClusterStoreContract {
    @RegisterExtension
    static final KubeMock KUBE = new KubeMock();
    private static final AtomicInteger STORES = new AtomicInteger();

    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));

    @Override
    protected ClusterStore store() {
        return KubeStore.builder(KUBE.podnetClient(), clock).name("test-" + STORES.incrementAndGet())
                .leaseSweepInterval(Duration.ofMillis(50)).open();
    }

    @Override
    protected void advance(Duration d) {
        clock.advance(d);
    }
}
