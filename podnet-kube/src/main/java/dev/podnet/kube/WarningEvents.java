package dev.podnet.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;

/**
 * Warning events on an object, posted as the kubelet posts its own: in the object's namespace (a Node's in
 * {@code default}), the object as the involved object, named {@code NAME.<hex nanoseconds>};
 * {@code kubectl describe} and {@code kubectl get events} show them. An event that cannot be posted is logged, never
 * an error: it only reports.
 */
public final class WarningEvents {
    /** Where a cluster-scoped object's events go, as the kubelet puts a Node's. */
    static final String NODE_NAMESPACE = "default";
    private static final System.Logger LOG = System.getLogger(WarningEvents.class.getName());

    private final KubernetesClient client;
    private final String component;
    private final String host;
    private final InstantSource clock;

    /** @param host the node the events come from, in {@code source.host} */
    public WarningEvents(KubernetesClient client, String component, String host, InstantSource clock) {
        this.client = client;
        this.component = component;
        this.host = host;
        this.clock = clock;
    }

    public void warning(Node node, String reason, String message) {
        warning(NODE_NAMESPACE, new ObjectReferenceBuilder().withApiVersion("v1").withKind("Node")
                .withName(node.getMetadata().getName()).withUid(node.getMetadata().getUid()).build(), reason, message);
    }

    /** On a namespaced object, in its namespace. */
    void warning(HasMetadata object, String reason, String message) {
        warning(object.getMetadata().getNamespace(), new ObjectReferenceBuilder()
                .withApiVersion(object.getApiVersion()).withKind(object.getKind())
                .withNamespace(object.getMetadata().getNamespace()).withName(object.getMetadata().getName())
                .withUid(object.getMetadata().getUid()).build(), reason, message);
    }

    private void warning(String namespace, ObjectReference involved, String reason, String message) {
        Instant now = clock.instant();
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        Event event = new EventBuilder()
                .withNewMetadata().withNamespace(namespace)
                .withName(involved.getName() + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()))
                .endMetadata()
                .withInvolvedObject(involved)
                .withType("Warning").withReason(reason).withMessage(message)
                .withNewSource().withComponent(component).withHost(host).endSource()
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.log(System.Logger.Level.WARNING, "could not post the event {0} on {1} {2} ({3}): {4}", reason,
                    involved.getKind(), involved.getName(), message, e.getMessage());
        }
    }
}
