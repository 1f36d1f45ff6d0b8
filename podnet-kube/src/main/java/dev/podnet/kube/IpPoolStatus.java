package dev.podnet.kube;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes an IPPool's {@code status.allocatedIPCount} and {@code status.totalIPCount} through the status subresource,
 * so that a count write never carries a stale spec back and a spec edit never loses a count.
 *
 * <p>Every agent allocating from a shared pool adds to the same counter, so {@link #setNode} reads the pool and writes a
 * JSON merge patch that carries the resourceVersion it read: the API server treats that as a precondition and answers
 * 409 if another agent wrote in between, and the write is done again from a fresh read. A merge patch rather than a PUT
 * of the status: both are conditional on a real server, but fabric8's mock server checks the resourceVersion of a
 * status patch and not of a status PUT, and the tests must see the conflicts.
 */
public final class IpPoolStatus {
    /** Enough for a few dozen agents adding to one pool at the same moment; each retry waits a little longer. */
    public static final int DEFAULT_ATTEMPTS = 50;
    static final String NODES = "nodeAllocatedIPCount";

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

    /**
     * Sets this node's count in {@code status.nodeAllocatedIPCount}, and {@code allocatedIPCount} to the sum over the
     * nodes: a pool that several nodes serve counts every node's share, and a node that counts again after a restart
     * replaces its share instead of adding it twice. The share of a node that {@code gone} says has left the cluster
     * is set to zero on the way. Returns the sum written.
     */
    public long setNode(String pool, String node, long allocated, long total, Predicate<String> gone) {
        return ConflictRetry.retried(attempts, backoff, conflicts::increment, () -> KubeApiException.call(client, () -> {
            GenericKubernetesResource object = client.genericKubernetesResources(IpPools.RESOURCE).withName(pool).get();
            if (object == null) {
                throw new KubernetesClientException("IPPool \"" + pool + "\" does not exist", 404, null);
            }
            Map<String, Long> nodes = new TreeMap<>();
            if (object.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                    && status.get(NODES) instanceof Map<?, ?> old) {
                old.forEach((k, v) -> nodes.put(String.valueOf(k), v instanceof Number n ? n.longValue() : 0L));
            }
            nodes.put(node, Math.max(0, allocated));
            nodes.replaceAll((name, count) -> count > 0 && !name.equals(node) && gone.test(name) ? 0 : count);
            long sum = nodes.values().stream().mapToLong(Long::longValue).sum();
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            // The resourceVersion just read: the server answers 409 if another node wrote since.
            patch.putObject("metadata").put("resourceVersion", object.getMetadata().getResourceVersion());
            ObjectNode status = patch.putObject("status").put("allocatedIPCount", sum)
                    .put("totalIPCount", Math.max(0, total));
            ObjectNode perNode = status.putObject(NODES);
            nodes.forEach(perNode::put);
            patchStatus(pool, patch);
            return sum;
        }));
    }

    /** The writes that met a 409 and were done again, since this object was made. */
    public long conflicts() {
        return conflicts.sum();
    }

    private GenericKubernetesResource patchStatus(String pool, ObjectNode patch) {
        return client.genericKubernetesResources(IpPools.RESOURCE).withName(pool).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    }
}
