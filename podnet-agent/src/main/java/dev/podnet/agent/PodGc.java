package dev.podnet.agent;

import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.PodRef;
import dev.podnet.kube.KubeApiException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * GC from the API server: an allocation whose pod is gone, or whose pod's name now belongs to another pod (another
 * UID), is released through the agent's own release path, so its addresses rest in quarantine before reuse. Each
 * allocation's pod is read by name, one GET each, and never judged by its absence from a list: a list that missed a
 * pod (a namespace it could not see, a page, a stale cache) would free a live pod's address, as the Whereabouts
 * reconciler did (k8snetworkplumbingwg/whereabouts#176). A read that fails leaves its allocation for the next round;
 * when the server as a whole is in trouble the round stops there.
 */
final class PodGc {
    private static final System.Logger LOG = System.getLogger(PodGc.class.getName());
    /** A static pod's uid is kubelet's own; its mirror pod in the API has another and carries kubelet's here. */
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

    /** What one round did: allocations whose pod it read, what it released, and the error that stopped it, if any. */
    record Round(int checked, List<Allocation> released, Optional<KubeApiException> stoppedBy) {
    }

    /** What becomes of an allocation whose pod is gone or replaced, when it may be a StatefulSet pod's. */
    enum Verdict {
        /** No StatefulSet keeps it: released as any other. */
        NOT_STATEFUL,
        /** Kept (or re-keyed to its reservation) for the pod's next incarnation. */
        KEEP,
        /** Its StatefulSet no longer wants it: released, its record already deleted. */
        RELEASE,
        /** It moved to another node with its pod: already dropped here, never to serve here again. */
        DROPPED
    }

    /** Judges the allocations of StatefulSet pods; a {@link KubeApiException} leaves the allocation for next round. */
    @FunctionalInterface
    interface Stateful {
        Verdict judge(Allocation a, Pod live);

        Stateful NONE = (a, live) -> Verdict.NOT_STATEFUL;
    }

    private final KubernetesClient client;
    private final Supplier<List<Allocation>> allocations;
    private final Function<AttachmentKey, Optional<Allocation>> release;
    private final AgentMetrics metrics;
    private final Stateful stateful;

    /** @param release the agent's release path (quarantine, fed pools' free lists); empty if nothing was held */
    PodGc(KubernetesClient client, Supplier<List<Allocation>> allocations,
          Function<AttachmentKey, Optional<Allocation>> release, AgentMetrics metrics) {
        this(client, allocations, release, metrics, Stateful.NONE);
    }

    /** @param stateful decides for StatefulSet pods' allocations, which outlive their pod objects */
    PodGc(KubernetesClient client, Supplier<List<Allocation>> allocations,
          Function<AttachmentKey, Optional<Allocation>> release, AgentMetrics metrics, Stateful stateful) {
        this.stateful = stateful;
        this.client = client;
        this.allocations = allocations;
        this.release = release;
        this.metrics = metrics;
    }

    Round run() {
        int checked = 0;
        List<Allocation> released = new ArrayList<>();
        for (Allocation a : allocations.get()) {
            if (a.pod().isEmpty()) {
                continue;
            }
            PodRef pod = a.pod().get();
            Pod live;
            try {
                live = KubeApiException.call(client, () ->
                        client.pods().inNamespace(pod.namespace()).withName(pod.name()).get());
            } catch (KubeApiException e) {
                metrics.podGcFailed();
                LOG.log(System.Logger.Level.WARNING, "pod GC: cannot read pod {0}, its allocation stays: {1}", pod,
                        e.getMessage());
                if (e.unavailable()) {
                    return new Round(checked, released, Optional.of(e));
                }
                continue;
            }
            checked++;
            Optional<String> why = why(pod, live);
            Verdict verdict = Verdict.NOT_STATEFUL;
            if (why.isPresent()) {
                try {
                    verdict = stateful.judge(a, live);
                } catch (KubeApiException e) {
                    metrics.podGcFailed();
                    LOG.log(System.Logger.Level.WARNING, "pod GC: cannot tell whether StatefulSet pod {0} keeps its "
                            + "addresses; they stay: {1}", pod, e.getMessage());
                    if (e.unavailable()) {
                        return new Round(checked, released, Optional.of(e));
                    }
                    continue;
                }
            }
            if (why.isPresent() && (verdict == Verdict.NOT_STATEFUL || verdict == Verdict.RELEASE)) {
                release.apply(a.key()).ifPresent(r -> {
                    released.add(r);
                    metrics.podGcReleased(r.pool(), live == null ? "deleted" : "replaced");
                    LOG.log(System.Logger.Level.INFO, "pod GC: released {0} of pod {1} (uid {2}, container {3}): {4}",
                            r.addresses(), pod, pod.uid(), r.key(), why.get());
                });
            }
        }
        return new Round(checked, released, Optional.empty());
    }

    /** Why the allocation's pod no longer holds it; empty while it does. */
    static Optional<String> why(PodRef pod, Pod live) {
        if (live == null) {
            return Optional.of("the pod is gone");
        }
        ObjectMeta meta = live.getMetadata();
        String mirrorOf = meta.getAnnotations() == null ? null : meta.getAnnotations().get(MIRROR_ANNOTATION);
        if (pod.uid().equals(meta.getUid()) || pod.uid().equals(mirrorOf)) {
            return Optional.empty();
        }
        return Optional.of("its name now belongs to another pod (uid " + meta.getUid() + ")");
    }
}
