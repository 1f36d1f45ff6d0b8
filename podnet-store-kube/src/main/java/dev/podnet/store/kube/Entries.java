package dev.podnet.store.kube;

import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store's StoreEntry objects: read by key or by labels, and brought up to a committed change. Applying is
 * idempotent and any number of writers may apply the same change at once: an object already at the change's
 * revision or later is left alone, and each write is a create or a compare-and-swap on the object's resourceVersion
 * that is retried from a fresh read when it loses.
 */
final class Entries {
    private final MixedOperation<StoreEntry, KubernetesResourceList<StoreEntry>, Resource<StoreEntry>> api;
    private final StoreNames names;
    private final KubeErrors errors;

    Entries(KubernetesClient client, StoreNames names, KubeErrors errors) {
        this.api = client.resources(StoreEntry.class);
        this.names = names;
        this.errors = errors;
    }

    /** The key's object, tombstone or not. */
    Optional<StoreEntry> get(String key) {
        StoreEntry e = errors.call("get " + key, () -> api.withName(names.entry(key)).get());
        if (e != null && !key.equals(e.getSpec().key())) {
            throw new StoreException(Kind.UNAVAILABLE, "keys " + key + " and " + e.getSpec().key()
                    + " have the same object name " + names.entry(key) + " (a hash collision)");
        }
        return Optional.ofNullable(e);
    }

    /** Every object whose key starts with {@code prefix}, tombstones included, in no order. */
    List<StoreEntry> under(String prefix) {
        return list("range " + prefix, names.rangeLabels(prefix)).stream()
                .filter(e -> e.getSpec().key().startsWith(prefix)).toList();
    }

    /** The live keys attached to {@code lease}. */
    List<StoreEntry> leased(long lease) {
        return list("list the keys of lease " + lease, names.leaseLabels(lease)).stream()
                .filter(e -> !e.getSpec().deleted() && e.getSpec().lease() == lease).toList();
    }

    /** Brings every key of {@code change} to its state at the change's revision, unless it is there or later. */
    void apply(Change change) {
        for (Change.Op op : change.ops()) {
            while (!applied(op, change.revision())) {
                // lost a race with another writer applying it, or a later change: read again
            }
        }
    }

    private boolean applied(Change.Op op, long revision) {
        Optional<StoreEntry> current = get(op.key());
        if (current.isPresent() && current.get().getSpec().modRevision() >= revision) {
            return true;
        }
        if (current.isEmpty() && op.delete()) {
            return true; // never written: nothing to delete
        }
        String name = names.entry(op.key());
        Map<String, String> labels = names.entryLabels(op.key(), op.lease());
        StoreEntry next = StoreEntry.of(name, labels, op.spec(revision),
                current.map(e -> e.getMetadata().getResourceVersion()).orElse(null));
        String what = "write " + op.key() + " at revision " + revision;
        return current.isPresent() ? errors.write(what, () -> api.resource(next).update())
                : errors.write(what, () -> api.resource(next).create());
    }

    private List<StoreEntry> list(String what, Map<String, String> labels) {
        return errors.call(what, () -> api.withLabels(labels).list().getItems());
    }
}
