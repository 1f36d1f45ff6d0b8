package dev.podnet.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;

/**
 * Warning events on a Node, posted as the kubelet posts the node's own: in namespace {@code default}, the Node as the
 * involved object, named {@code NODE.<hex nanoseconds>}; {@code kubectl describe node} and {@code kubectl get events}
 * show them. An event that cannot be posted is logged, never an error: it only reports.
 */
final class NodeEvents {
    static final String NAMESPACE = "default";
    private static final System.Logger LOG = System.getLogger(NodeEvents.class.getName());

    private final KubernetesClient client;
    private final String component;
    private final InstantSource clock;

    NodeEvents(KubernetesClient client, String component, InstantSource clock) {
        this.client = client;
        this.component = component;
        this.clock = clock;
    }

    void warning(Node node, String reason, String message) {
        Instant now = clock.instant();
        String name = node.getMetadata().getName();
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        Event event = new EventBuilder()
                .withNewMetadata().withNamespace(NAMESPACE)
                .withName(name + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()))
                .endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Node").withName(name)
                .withUid(node.getMetadata().getUid()).endInvolvedObject()
                .withType("Warning").withReason(reason).withMessage(message)
                .withNewSource().withComponent(component).withHost(name).endSource()
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(NAMESPACE).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.log(System.Logger.Level.WARNING, "could not post the event {0} on node {1} ({2}): {3}", reason, name,
                    message, e.getMessage());
        }
    }
}
