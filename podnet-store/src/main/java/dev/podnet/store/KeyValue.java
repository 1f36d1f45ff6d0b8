package dev.podnet.store;

import java.nio.charset.StandardCharsets;

/**
 * One key's state, as etcd reports it.
 *
 * @param createRevision the store revision that created the key
 * @param modRevision    the store revision of the last change: what {@link ClusterStore#putIfRevision} compares
 * @param version        how many times the key was written since it was created (1 after the create)
 * @param lease          the lease the key is attached to, 0 for none
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    public String valueText() {
        return new String(value, StandardCharsets.UTF_8);
    }
}
