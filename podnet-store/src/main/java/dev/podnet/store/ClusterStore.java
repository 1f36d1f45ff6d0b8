package dev.podnet.store;

import java.time.Duration;
import java.util.Optional;

/**
 * The cluster's shared state, in etcd's model so that etcd itself is one implementation: a flat key space of UTF-8
 * keys and byte values, a store-wide revision that every change increments, per-key create and modify revisions,
 * compare-and-swap on the modify revision, prefix ranges, watches from a revision, and leases whose expiry deletes
 * their keys. Every method either does all of its work or throws {@link StoreException} having changed nothing.
 * Implementations are thread-safe.
 */
public interface ClusterStore extends AutoCloseable {

    /** The key's current value, if any. */
    Optional<KeyValue> get(String key);

    /** Every key starting with {@code prefix}, sorted by key, and the store revision they were read at. */
    Range range(String prefix);

    /** Unconditional put; returns the new key-value. {@code lease} 0 = none. */
    KeyValue put(String key, byte[] value, long lease);

    /** Creates the key only if it does not exist; empty if it does (someone else won). */
    Optional<KeyValue> createIfAbsent(String key, byte[] value, long lease);

    /**
     * Replaces the key's value only if its modify revision is still {@code modRevision} (compare-and-swap);
     * throws CONFLICT if the key changed or is gone.
     */
    KeyValue putIfRevision(String key, byte[] value, long modRevision, long lease);

    /** Deletes the key only if its modify revision is still {@code modRevision}; throws CONFLICT otherwise. */
    void deleteIfRevision(String key, long modRevision);

    /**
     * Streams every change to keys under {@code prefix} with a revision greater than {@code afterRevision}, in revision
     * order, to {@code listener} on a thread of the store's. Throws (or reports through {@link WatchListener#failed})
     * COMPACTED when those revisions are gone: the caller then re-reads with {@link #range} and watches from there.
     */
    Watch watch(String prefix, long afterRevision, WatchListener listener);

    /** A new lease that expires {@code ttl} after its last keep-alive (etcd rounds up to whole seconds). */
    Lease grantLease(Duration ttl);

    /** Renews the lease; throws LEASE_EXPIRED if it has expired or was revoked. Returns the remaining TTL. */
    Duration keepAlive(long leaseId);

    /** Revokes the lease and deletes every key attached to it; a lease already gone is not an error. */
    void revokeLease(long leaseId);

    @Override
    void close();
}
