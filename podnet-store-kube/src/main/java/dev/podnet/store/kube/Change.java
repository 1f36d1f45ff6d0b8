package dev.podnet.store.kube;

import dev.podnet.store.KeyValue;
import dev.podnet.store.WatchEvent;
import java.util.List;
import java.util.Optional;

/**
 * One committed change of a store: the keys it writes or deletes, all at {@code revision}, and the lease it ends
 * (0 for none). A change that only ends a lease without keys keeps the store revision, as etcd's revoke does.
 */
public record Change(long revision, List<Op> ops, long endsLease) {

    public Change {
        ops = ops == null ? List.of() : List.copyOf(ops);
    }

    /**
     * One key's new state.
     *
     * @param delete the key is deleted; the other fields are then empty
     */
    public record Op(String key, boolean delete, byte[] value, long createRevision, long version, long lease) {

        static Op put(KeyValue kv) {
            return new Op(kv.key(), false, kv.value().clone(), kv.createRevision(), kv.version(), kv.lease());
        }

        static Op deletion(String key) {
            return new Op(key, true, null, 0, 0, 0);
        }

        /** The key after this op at {@code revision}; empty when deleted. */
        Optional<KeyValue> keyValue(long revision) {
            return delete ? Optional.empty()
                    : Optional.of(new KeyValue(key, value.clone(), createRevision, revision, version, lease));
        }

        StoreEntry.Spec spec(long revision) {
            return new StoreEntry.Spec(key, delete ? null : value, createRevision, revision, version, lease, delete);
        }
    }

    boolean writes() {
        return !ops.isEmpty();
    }

    Optional<Op> op(String key) {
        return ops.stream().filter(o -> o.key().equals(key)).findFirst();
    }

    /** The events a watch on {@code prefix} sees, as etcd reports a delete: key and revision only. */
    List<WatchEvent> events(String prefix) {
        return ops.stream().filter(o -> o.key().startsWith(prefix))
                .map(o -> o.delete()
                        ? new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(o.key(), new byte[0], 0, revision, 0, 0))
                        : new WatchEvent(WatchEvent.Type.PUT, o.keyValue(revision).orElseThrow()))
                .toList();
    }

    /** Roughly what the change weighs in the StoreLog object: base64 values, keys and some JSON. */
    long weight() {
        return 64 + ops.stream().mapToLong(o -> 96 + 2L * o.key().length()
                + (o.value() == null ? 0 : (o.value().length + 2) / 3 * 4)).sum();
    }
}
