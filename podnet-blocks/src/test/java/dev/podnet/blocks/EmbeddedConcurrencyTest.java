package dev.podnet.blocks;

import dev.podnet.store.ClusterStore;
import dev.podnet.store.EmbeddedStore;
import java.nio.file.Path;
import java.time.InstantSource;

/** The concurrency test on the embedded store; time stands still, so no lease expires. */
class EmbeddedConcurrencyTest extends ConcurrencyContract {
    private final TestClock clock = new TestClock();

    @Override
    protected ClusterStore store(Path dir) {
        return EmbeddedStore.open(dir, clock);
    }

    @Override
    protected InstantSource clock() {
        return clock;
    }
}
