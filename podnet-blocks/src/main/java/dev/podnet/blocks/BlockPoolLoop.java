package dev.podnet.blocks;

import dev.podnet.net.ControlLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps a node's registration alive and its cluster pools maintained, on one thread of its own: renews the lease and
 * runs {@link BlockPool#maintain()} every {@code interval} (a third of the TTL at most), and at once when a pod found
 * a pool below its warm margin.
 */
public final class BlockPoolLoop implements AutoCloseable {
    private final NodeRegistration registration;
    private final List<BlockPool> pools;  // copy-on-write: pools join while the loop runs
    private final ControlLoop loop;
    private long lastRenew = System.nanoTime();

    public BlockPoolLoop(NodeRegistration registration, List<BlockPool> pools, Duration interval) {
        this.registration = registration;
        this.pools = new CopyOnWriteArrayList<>(pools);
        Duration every = interval.compareTo(registration.renewEvery()) < 0 ? interval : registration.renewEvery();
        ControlLoop.Wait wait = new ControlLoop.Wait(every, true);
        this.loop = new ControlLoop("podnet-block-pools", () -> {
            pass();
            return wait;
        }, wait);
        pools.forEach(p -> p.onLow(loop::wake));
    }

    public BlockPoolLoop start() {
        loop.start();
        return this;
    }

    /** A pool the node joined later (an IPPool that appeared): maintained from the next pass on. */
    public void add(BlockPool pool) {
        pool.onLow(loop::wake);
        pools.add(pool);
        loop.wake();
    }

    public void wake() {
        loop.wake();
    }

    private void pass() {
        if (System.nanoTime() - lastRenew >= registration.renewEvery().toNanos() || !registration.isValid()) {
            registration.renew();
            lastRenew = System.nanoTime();
        }
        pools.forEach(BlockPool::maintain);
    }

    @Override
    public void close() {
        loop.close();
    }
}
