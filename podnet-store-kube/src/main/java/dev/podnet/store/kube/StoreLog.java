package dev.podnet.store.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Optional;

/**
 * A store's order of changes, one cluster-scoped object per store ({@code storelogs.podnet.dev}): the store revision,
 * the recent changes (the last one may not be applied to the StoreEntry objects yet) and the revision up to which
 * older changes were dropped. Every write replaces it by compare-and-swap on its resourceVersion, so the API server
 * decides which of two racing writers gets the next revision.
 */
@Group("podnet.dev")
@Version("v1")
@Kind("StoreLog")
@Plural("storelogs")
public final class StoreLog extends CustomResource<StoreLog.Spec, Void> {

    /**
     * @param revision  the store revision: the last change that deleted or wrote keys
     * @param compacted every change after this revision is in {@code changes}
     * @param changes   the recent changes, oldest first
     */
    public record Spec(long revision, long compacted, List<Change> changes) {
        public Spec {
            changes = changes == null ? List.of() : List.copyOf(changes);
        }
    }

    static StoreLog of(String name, Spec spec, String resourceVersion) {
        StoreLog log = new StoreLog();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(name);
        meta.setResourceVersion(resourceVersion);
        log.setMetadata(meta);
        log.setSpec(spec);
        return log;
    }

    long revision() {
        return getSpec().revision();
    }

    /** The newest change that wrote keys: everything before it is applied to the entries. */
    Optional<Change> lastWrite() {
        return getSpec().changes().reversed().stream().filter(Change::writes).findFirst();
    }

    /** The newest change, which the next writer applies before it decides anything. */
    Optional<Change> last() {
        List<Change> changes = getSpec().changes();
        return changes.isEmpty() ? Optional.empty() : Optional.of(changes.getLast());
    }
}
