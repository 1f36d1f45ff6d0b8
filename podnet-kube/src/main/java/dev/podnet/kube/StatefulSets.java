package dev.podnet.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.OptionalInt;

/** What podnet asks about StatefulSets: whose a pod is, its ordinal, and whether its StatefulSet still wants it. */
public final class StatefulSets {
    private StatefulSets() {
    }

    /** The StatefulSet that controls {@code pod} (its ownerReference of kind StatefulSet with controller true). */
    public static Optional<StatefulAddress.Owner> owner(Pod pod) {
        var refs = pod.getMetadata().getOwnerReferences();
        if (refs == null) {
            return Optional.empty();
        }
        return refs.stream().filter(r -> "StatefulSet".equals(r.getKind()) && Boolean.TRUE.equals(r.getController())
                        && r.getApiVersion() != null && r.getApiVersion().startsWith("apps/"))
                .findFirst().map(r -> new StatefulAddress.Owner(r.getName(), r.getUid()));
    }

    /** The ordinal of a StatefulSet's pod: its name is the StatefulSet's, a dash and the ordinal. */
    public static OptionalInt ordinal(String podName, String statefulSet) {
        String prefix = statefulSet + "-";
        if (!podName.startsWith(prefix)) {
            return OptionalInt.empty();
        }
        String digits = podName.substring(prefix.length());
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)
                || digits.length() > 1 && digits.charAt(0) == '0') {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(digits));
    }

    /**
     * Why the StatefulSet no longer wants its pod {@code podName}, from one GET of the StatefulSet by name; empty while
     * it does. A StatefulSet of the same name but another UID is a new one: the old one is gone.
     */
    public static Optional<String> unwanted(KubernetesClient client, String namespace, String podName,
                                            StatefulAddress.Owner owner) {
        StatefulSet sts = KubeApiException.call(client, () -> client.apps().statefulSets().inNamespace(namespace)
                .withName(owner.name()).get());
        if (sts == null) {
            return Optional.of("StatefulSet " + namespace + "/" + owner.name() + " is gone");
        }
        if (!owner.uid().equals(sts.getMetadata().getUid())) {
            return Optional.of("StatefulSet " + namespace + "/" + owner.name() + " was re-created (uid "
                    + sts.getMetadata().getUid() + ", was " + owner.uid() + ")");
        }
        OptionalInt ordinal = ordinal(podName, owner.name());
        if (ordinal.isEmpty()) {
            return Optional.of("pod " + namespace + "/" + podName + " has no ordinal of StatefulSet " + owner.name());
        }
        var spec = sts.getSpec();
        int replicas = spec == null || spec.getReplicas() == null ? 1 : spec.getReplicas();
        // spec.ordinals.start (Kubernetes 1.31 GA): the pods are start .. start+replicas-1.
        int start = spec == null || spec.getOrdinals() == null || spec.getOrdinals().getStart() == null ? 0
                : spec.getOrdinals().getStart();
        int n = ordinal.getAsInt();
        if (n < start || n - start >= replicas) {
            return Optional.of("StatefulSet " + namespace + "/" + owner.name() + " has spec.replicas " + replicas
                    + (start == 0 ? "" : " from ordinal " + start) + ", so ordinal " + n + " is not wanted");
        }
        return Optional.empty();
    }
}
