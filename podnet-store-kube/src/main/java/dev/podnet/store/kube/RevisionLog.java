package dev.podnet.store.kube;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * A store's StoreLog object: read (created empty on first use) and appended to by compare-and-swap. It keeps the
 * recent changes up to a count and a weight, so that watches can resume from a past revision and every writer can
 * apply the last change; the newest change is always kept, whatever it weighs.
 */
final class RevisionLog {
    static final int MAX_CHANGES = 100;
    /** Well under etcd's 1.5 MiB request limit, which the whole object must fit. */
    static final long MAX_WEIGHT = 256 * 1024;

    private final MixedOperation<StoreLog, KubernetesResourceList<StoreLog>, Resource<StoreLog>> api;
    private final String name;
    private final KubeErrors errors;

    RevisionLog(KubernetesClient client, StoreNames names, KubeErrors errors) {
        this.api = client.resources(StoreLog.class);
        this.name = names.log();
        this.errors = errors;
    }

    StoreLog read() {
        while (true) {
            StoreLog log = errors.call("read the store log " + name, () -> api.withName(name).get());
            if (log != null) {
                return log;
            }
            StoreLog empty = StoreLog.of(name, new StoreLog.Spec(0, 0, List.of()), null);
            errors.write("create the store log " + name, () -> api.resource(empty).create());
        }
    }

    /** Appends {@code change} to the log as it was read; false when another writer changed it first. */
    boolean append(StoreLog read, Change change) {
        StoreLog next = StoreLog.of(name, appended(read.getSpec(), change), read.getMetadata().getResourceVersion());
        return errors.write("commit revision " + change.revision(), () -> api.resource(next).update());
    }

    static StoreLog.Spec appended(StoreLog.Spec spec, Change change) {
        List<Change> changes = new ArrayList<>(spec.changes());
        changes.add(change);
        long weight = changes.stream().mapToLong(Change::weight).sum();
        long compacted = spec.compacted();
        while (changes.size() > 1 && (changes.size() > MAX_CHANGES || weight > MAX_WEIGHT)) {
            Change dropped = changes.removeFirst();
            weight -= dropped.weight();
            compacted = Math.max(compacted, dropped.revision());
        }
        return new StoreLog.Spec(change.writes() ? change.revision() : spec.revision(), compacted, changes);
    }
}
