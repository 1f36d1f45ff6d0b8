package dev.podnet.store.kube;

import dev.podnet.store.KeyValue;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/**
 * One key of a store, cluster-scoped ({@code storeentries.podnet.dev}). A deleted key stays as a tombstone that
 * keeps its deleting revision: a slow writer that still applies an older change then finds the object and sees that
 * it is newer, where a missing object would let it bring the key back.
 */
@Group("podnet.dev")
@Version("v1")
@Kind("StoreEntry")
@Plural("storeentries")
public final class StoreEntry extends CustomResource<StoreEntry.Spec, Void> {

    /**
     * @param key            the store key itself (object names are derived from it, not reversible)
     * @param value          the bytes, base64 in JSON; null in a tombstone
     * @param modRevision    the revision of the change that wrote this state, tombstones included
     * @param deleted        a tombstone: the key does not exist
     */
    public record Spec(String key, byte[] value, long createRevision, long modRevision, long version, long lease,
                       boolean deleted) {
    }

    static StoreEntry of(String name, Map<String, String> labels, Spec spec, String resourceVersion) {
        StoreEntry e = new StoreEntry();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(name);
        meta.setLabels(labels);
        meta.setResourceVersion(resourceVersion);
        e.setMetadata(meta);
        e.setSpec(spec);
        return e;
    }

    /** The key as the SPI reports it, or null for a tombstone. */
    KeyValue keyValue() {
        Spec s = getSpec();
        return s.deleted() ? null : new KeyValue(s.key(), s.value() == null ? new byte[0] : s.value(),
                s.createRevision(), s.modRevision(), s.version(), s.lease());
    }
}
