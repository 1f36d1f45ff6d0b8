package dev.podnet.overlay;

import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.Lease;
import dev.podnet.store.Range;
import dev.podnet.store.StoreException;
import dev.podnet.store.Watch;
import dev.podnet.store.WatchEvent;
import dev.podnet.store.WatchListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A store whose watches a test can break: {@link #muteWatches} drops their events from then on (as a watch that fell
 * behind), {@link #failWatches} ends them with a failure, as etcd does after a compaction.
 */
final class GatedStore implements ClusterStore {
    private final ClusterStore store;
    private final List<Gate> gates = new CopyOnWriteArrayList<>();

    GatedStore(ClusterStore store) {
        this.store = store;
    }

    private static final class Gate implements WatchListener {
        final WatchListener listener;
        volatile boolean muted;

        Gate(WatchListener listener) {
            this.listener = listener;
        }

        @Override
        public void onEvents(List<WatchEvent> events) {
            if (!muted) {
                listener.onEvents(events);
            }
        }

        @Override
        public void failed(StoreException cause) {
            if (!muted) {
                listener.failed(cause);
            }
        }
    }

    void muteWatches() {
        gates.forEach(g -> g.muted = true);
    }

    void failWatches(StoreException.Kind kind) {
        for (Gate g : gates) {
            gates.remove(g);
            g.listener.failed(new StoreException(kind, "test: revisions compacted"));
        }
    }

    int watches() {
        return (int) gates.stream().filter(g -> !g.muted).count();
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        Gate gate = new Gate(listener);
        gates.add(gate);
        Watch w = store.watch(prefix, afterRevision, gate);
        return () -> {
            gates.remove(gate);
            w.close();
        };
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return store.get(key);
    }

    @Override
    public Range range(String prefix) {
        return store.range(prefix);
    }

    @Override
    public KeyValue put(String key, byte[] value, long lease) {
        return store.put(key, value, lease);
    }

    @Override
    public Optional<KeyValue> createIfAbsent(String key, byte[] value, long lease) {
        return store.createIfAbsent(key, value, lease);
    }

    @Override
    public KeyValue putIfRevision(String key, byte[] value, long modRevision, long lease) {
        return store.putIfRevision(key, value, modRevision, lease);
    }

    @Override
    public void deleteIfRevision(String key, long modRevision) {
        store.deleteIfRevision(key, modRevision);
    }

    @Override
    public Lease grantLease(Duration ttl) {
        return store.grantLease(ttl);
    }

    @Override
    public Duration keepAlive(long leaseId) {
        return store.keepAlive(leaseId);
    }

    @Override
    public void revokeLease(long leaseId) {
        store.revokeLease(leaseId);
    }

    @Override
    public void close() {
        store.close();
    }
}
