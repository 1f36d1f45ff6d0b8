package dev.podnet.blocks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps a node's registration alive and its cluster pools maintained, on one thread of its own: renews the lease and
 * runs {@link BlockPool#maintain()} every {@code interval} (a third of the TTL at most), and at once when a pod found
 * a pool below its warm margin.
 */
public final class BlockPoolLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BlockPoolLoop.class.getName());

    private final NodeRegistration registration;
    private final List<BlockPool> pools;
    private final Duration interval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private boolean woken;
    private volatile boolean closed;

    public BlockPoolLoop(NodeRegistration registration, List<BlockPool> pools, Duration interval) {
        this.registration = registration;
        this.pools = List.copyOf(pools);
        this.interval = interval.compareTo(registration.renewEvery()) < 0 ? interval : registration.renewEvery();
        this.thread = Thread.ofPlatform().daemon().name("podnet-block-pools").unstarted(this::run);
        pools.forEach(p -> p.onLow(this::wake));
    }

    public BlockPoolLoop start() {
        thread.start();
        return this;
    }

    public void wake() {
        lock.lock();
        try {
            woken = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        long lastRenew = System.nanoTime();
        while (!closed) {
            try {
                if (System.nanoTime() - lastRenew >= registration.renewEvery().toNanos() || !registration.isValid()) {
                    registration.renew();
                    lastRenew = System.nanoTime();
                }
                pools.forEach(BlockPool::maintain);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "block-pool maintenance failed", e);
            }
            pause();
        }
    }

    private void pause() {
        lock.lock();
        try {
            long nanos = interval.toNanos();
            while (!closed && nanos > 0 && !woken) {
                nanos = wake.awaitNanos(nanos);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
