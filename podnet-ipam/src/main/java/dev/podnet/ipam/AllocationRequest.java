package dev.podnet.ipam;

import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An ADD: give {@code key} addresses from {@code pool}. {@code requested} is host-local's {@code ips} capability:
 * at most one address per family; a family without one is allocated as usual. {@code pod} is the Kubernetes pod
 * behind the attachment, recorded with the allocation when the runtime named it.
 *
 * <p>{@code sources} are the engine pools to take the addresses from when they are not {@code pool} itself: the IP
 * pools a pod's annotations or the network chose, tried in order per family, the first with a free address giving
 * it. The allocation is still recorded under {@code pool}, the network, which is what CNI GC names.
 *
 * <p>{@code reclaim}: a requested address resting in quarantine is taken out of it for this request instead of being
 * refused. Only for an owner taking its own address back (a StatefulSet pod re-created under its name): the quarantine
 * is there to keep a released address from a different pod, not from the pod that released it.
 */
public record AllocationRequest(AttachmentKey key, String pool, List<IPAddress> requested, Optional<PodRef> pod,
                                List<String> sources, boolean reclaim) {

    public AllocationRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(pod, "pod");
        Pool.requireName(pool);
        sources = List.copyOf(sources);
        sources.forEach(Pool::requireName);
        List<IPAddress> normalised = new ArrayList<>();
        for (IPAddress a : requested) {
            IPAddress n = Addresses.normalise(a);
            for (IPAddress other : normalised) {
                if (other.isIPv4() == n.isIPv4()) {
                    throw IpamException.invalid("at most one " + Addresses.family(n.isIPv4())
                            + " address may be requested, got " + other + " and " + n);
                }
            }
            normalised.add(n);
        }
        requested = List.copyOf(normalised);
        if (reclaim && requested.isEmpty()) {
            throw IpamException.invalid("reclaiming from quarantine needs requested addresses");
        }
    }

    public AllocationRequest(AttachmentKey key, String pool, List<IPAddress> requested, Optional<PodRef> pod,
                             List<String> sources) {
        this(key, pool, requested, pod, sources, false);
    }

    /** From {@code pool} itself. */
    public AllocationRequest(AttachmentKey key, String pool, List<IPAddress> requested, Optional<PodRef> pod) {
        this(key, pool, requested, pod, List.of());
    }

    /** Without a pod. */
    public AllocationRequest(AttachmentKey key, String pool, List<IPAddress> requested) {
        this(key, pool, requested, Optional.empty());
    }

    public AllocationRequest withPod(Optional<PodRef> pod) {
        return new AllocationRequest(key, pool, requested, pod, sources, reclaim);
    }

    /** The same, taking its requested addresses out of quarantine if they rest there (see the class comment). */
    public AllocationRequest reclaiming() {
        return new AllocationRequest(key, pool, requested, pod, sources, true);
    }

    /** The same, taking its addresses from {@code sources} (see the class comment). */
    public AllocationRequest from(List<String> sources) {
        return new AllocationRequest(key, pool, requested, pod, sources, reclaim);
    }

    public static AllocationRequest of(AttachmentKey key, String pool) {
        return new AllocationRequest(key, pool, List.of());
    }

    /** With specific addresses, given as text. */
    public static AllocationRequest of(AttachmentKey key, String pool, String... addresses) {
        List<IPAddress> parsed = new ArrayList<>();
        for (String a : addresses) {
            parsed.add(Addresses.parse(a));
        }
        return new AllocationRequest(key, pool, parsed);
    }

    /** A repeated ADD: {@code existing}, this attachment's allocation, if it answers this request; CONFLICT if not. */
    Allocation requireAnsweredBy(Allocation existing) {
        boolean samePool = existing.pool().equals(pool);
        boolean hasRequested = requested.stream().allMatch(a ->
                existing.addresses().stream().anyMatch(x -> x.address().equals(a)));
        if (!samePool || !hasRequested) {
            throw new IpamException(IpamException.Reason.CONFLICT, key + " already holds " + existing.addresses()
                    + " from pool " + existing.pool() + "; release it first");
        }
        return existing;
    }
}
