package dev.podnet.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes an IPPool's {@code status.allocatedIPCount} and {@code status.totalIPCount} through the status subresource,
 * so that a status write never carries a stale spec back and a spec edit never loses a count. Every agent allocating
 * from a shared pool adds to the same counter, so each write is a read–modify–write conditional on the
 * resourceVersion read; a 409 means another agent wrote in between, and the write is done again from a fresh read.
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

    /** Sets both counts, as the agent does after counting a pool's allocations from scratch. */
    public void set(String pool, long allocated, long total) {
        write(pool, status -> {
            status.put("allocatedIPCount", Math.max(0, allocated));
            status.put("totalIPCount", Math.max(0, total));
        });
    }

    /**
     * Adds {@code delta} (negative on release) to allocatedIPCount and returns the count written. The count does not
     * go below zero: a release counted twice must not leave a negative count that the schema refuses.
     */
    public long add(String pool, long delta) {
        long[] written = new long[1];
        write(pool, status -> {
            Object now = status.get("allocatedIPCount");
            long current = now instanceof Number n ? n.longValue() : 0;
            written[0] = Math.max(0, current + delta);
            status.put("allocatedIPCount", written[0]);
        });
        return written[0];
    }

    /** The writes that met a 409 and were done again, since this object was made. */
    public long conflicts() {
        return conflicts.sum();
    }

    private interface Change {
        void apply(Map<String, Object> status);
    }

    private void write(String pool, Change change) {
        ConflictRetry.retried(attempts, backoff, conflicts::increment, () -> KubeApiException.call(client, () -> {
            var resource = client.genericKubernetesResources(IpPools.RESOURCE).withName(pool);
            GenericKubernetesResource object = resource.get();
            if (object == null) {
                throw new KubernetesClientException("IPPool \"" + pool
                        + "\" does not exist", 404, null);
            }
            Map<String, Object> status = new LinkedHashMap<>();
            if (object.getAdditionalProperties().get("status") instanceof Map<?, ?> old) {
                old.forEach((k, v) -> status.put(String.valueOf(k), v));
            }
            change.apply(status);
            object.getAdditionalProperties().put("status", status);
            // The resourceVersion just read goes with the write: the server answers 409 if the pool moved on since.
            return client.genericKubernetesResources(IpPools.RESOURCE).resource(object).updateStatus();
        }));
    }
}
