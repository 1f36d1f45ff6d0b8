package dev.podnet.blocks;

import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.Lease;
import dev.podnet.store.Range;
import dev.podnet.store.StoreException;
import dev.podnet.store.Watch;
import dev.podnet.store.WatchListener;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** A store that can be made unreachable (every call UNAVAILABLE), and that counts the changes it passes on. */
final class FlakyStore implements ClusterStore {
    private final ClusterStore store;
    private volatile boolean down;
    final AtomicLong writes = new AtomicLong();

    FlakyStore(ClusterStore store) {
        this.store = store;
    }

    void down(boolean value) {
        down = value;
    }

    private <T> T call(Supplier<T> s) {
        if (down) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "test store is down (127.0.0.1:1)", null);
        }
        return s.get();
    }

    private <T> T write(Supplier<T> s) {
        T t = call(s);
        writes.incrementAndGet();
        return t;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return call(() -> store.get(key));
    }

    @Override
    public Range range(String prefix) {
        return call(() -> store.range(prefix));
    }

    @Override
    public KeyValue put(String key, byte[] value, long lease) {
        return write(() -> store.put(key, value, lease));
    }

    @Override
    public Optional<KeyValue> createIfAbsent(String key, byte[] value, long lease) {
        return write(() -> store.createIfAbsent(key, value, lease));
    }

    @Override
    public KeyValue putIfRevision(String key, byte[] value, long modRevision, long lease) {
        return write(() -> store.putIfRevision(key, value, modRevision, lease));
    }

    @Override
    public void deleteIfRevision(String key, long modRevision) {
        write(() -> {
            store.deleteIfRevision(key, modRevision);
            return null;
        });
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        return call(() -> store.watch(prefix, afterRevision, listener));
    }

    @Override
    public Lease grantLease(Duration ttl) {
        return call(() -> store.grantLease(ttl));
    }

    @Override
    public Duration keepAlive(long leaseId) {
        return call(() -> store.keepAlive(leaseId));
    }

    @Override
    public void revokeLease(long leaseId) {
        call(() -> {
            store.revokeLease(leaseId);
            return null;
        });
    }

    @Override
    public void close() {
        store.close();
    }
}
