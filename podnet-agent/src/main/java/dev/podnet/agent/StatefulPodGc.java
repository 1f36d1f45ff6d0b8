package dev.podnet.agent;

import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.PodRef;
import dev.podnet.kube.StatefulAddress;
import dev.podnet.kube.StatefulSets;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link PodGc}'s judgement of an allocation whose pod object is gone or has another UID, when that pod may be a
 * StatefulSet's: the record is read by name, and the StatefulSet by name (never from a list), one GET each. Until the
 * StatefulSet no longer wants the ordinal the addresses stay reserved; when it does not, the record is deleted first
 * and then the addresses released (a crash between leaves an allocation without a record, which the next round frees
 * as any other). A record naming another node means the pod took its address there: this node drops it.
 */
final class StatefulPodGc implements PodGc.Stateful {
    private static final System.Logger LOG = System.getLogger(StatefulPodGc.class.getName());

    private final StatefulPods pods;
    private final Function<AttachmentKey, Optional<Allocation>> release;

    /** @param release the agent's release path, for a reservation superseded by a newer one */
    StatefulPodGc(StatefulPods pods, Function<AttachmentKey, Optional<Allocation>> release) {
        this.pods = pods;
        this.release = release;
    }

    @Override
    public PodGc.Verdict judge(Allocation a, Pod live) {
        PodRef pod = a.pod().orElseThrow();
        if (!StatefulPods.reserved(a.key()) && !StatefulPods.ordinalShaped(pod)) {
            return PodGc.Verdict.NOT_STATEFUL;
        }
        Optional<StatefulAddress> record = pods.records().get(pod.namespace(), pod.name());
        Optional<StatefulAddress.Interface> kept = record.flatMap(r -> r.iface(a.key().ifName()));
        if (kept.isEmpty() || !kept.get().addresses().equals(StatefulPods.texts(a))) {
            return PodGc.Verdict.NOT_STATEFUL;
        }
        if (!record.get().node().equals(pods.node())) {
            pods.forget(a);
            LOG.log(System.Logger.Level.INFO, "pod GC: {0} of pod {1} moved to node {2}; dropped here", a.addresses(),
                    pod, record.get().node());
            return PodGc.Verdict.DROPPED;
        }
        Optional<String> unwanted = StatefulSets.unwanted(pods.client(), pod.namespace(), pod.name(),
                record.get().owner());
        if (unwanted.isPresent()) {
            pods.records().delete(pod.namespace(), pod.name());
            LOG.log(System.Logger.Level.INFO, "pod GC: StatefulAddress {0} deleted: {1}", pod, unwanted.get());
            return PodGc.Verdict.RELEASE;
        }
        pods.reserve(a, release);
        return PodGc.Verdict.KEEP;
    }
}
