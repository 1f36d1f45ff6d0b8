package dev.podnet.kube;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes an IPPool's {@code status.allocatedIPCount} and {@code status.totalIPCount} through the status subresource,
 * so that a count write never carries a stale spec back and a spec edit never loses a count.
 *
 * <p>Every agent allocating from a shared pool adds to the same counter, so {@link #add} reads the pool and writes a
 * JSON merge patch that carries the resourceVersion it read: the API server treats that as a precondition and answers
 * 409 if another agent wrote in between, and the add is done again from a fresh read. A merge patch rather than a PUT
 * of the status: both are conditional on a real server, but fabric8's mock server checks the resourceVersion of a
 * status patch and not of a status PUT, and the tests must see the conflicts.
 */
public final class IpPoolStatus {
    /** Enough for a few dozen agents adding to one pool at the same moment; each retry waits a little longer. */
    public static final int DEFAULT_ATTEMPTS = 50;

    private final KubernetesClient client;
    private final int attempts;
    private final ConflictRetry.Backoff backoff;
    private final LongAdder conflicts = new LongAdder();

    public IpPoolStatus(KubernetesClient client) {
        this(client, DEFAULT_ATTEMPTS, ConflictRetry.Backoff.JITTERED);
    }

    IpPoolStatus(KubernetesClient client, int attempts, ConflictRetry.Backoff backoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        this.client = client;
        this.attempts = attempts;
        this.backoff = backoff;
    }

    /** Sets both counts, as the agent does after counting a pool's allocations from scratch: no read needed. */
    public void set(String pool, long allocated, long total) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.putObject("status").put("allocatedIPCount", Math.max(0, allocated))
                .put("totalIPCount", Math.max(0, total));
        KubeApiException.call(client, () -> patchStatus(pool, patch));
    }

    /**
     * Adds {@code delta} (negative on release) to allocatedIPCount and returns the count written. The count does not
     * go below zero: a release counted twice must not leave a negative count that the schema refuses.
     */
    public long add(String pool, long delta) {
        return ConflictRetry.retried(attempts, backoff, conflicts::increment, () -> KubeApiException.call(client, () -> {
            GenericKubernetesResource object = client.genericKubernetesResources(IpPools.RESOURCE).withName(pool).get();
            if (object == null) {
                throw new KubernetesClientException("IPPool \"" + pool + "\" does not exist", 404, null);
            }
            long current = object.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                    && status.get("allocatedIPCount") instanceof Number n ? n.longValue() : 0;
            long next = Math.max(0, current + delta);
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            patch.putObject("metadata").put("resourceVersion", object.getMetadata().getResourceVersion());
            patch.putObject("status").put("allocatedIPCount", next);
            patchStatus(pool, patch);
            return next;
        }));
    }

    /** The adds that met a 409 and were done again, since this object was made. */
    public long conflicts() {
        return conflicts.sum();
    }

    private GenericKubernetesResource patchStatus(String pool, ObjectNode patch) {
        return client.genericKubernetesResources(IpPools.RESOURCE).withName(pool).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    }
}
