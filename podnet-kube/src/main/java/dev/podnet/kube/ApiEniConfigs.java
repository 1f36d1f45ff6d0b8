package dev.podnet.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.net.InvalidInputException;
import dev.podnet.warm.EniConfig;
import dev.podnet.warm.EniConfigSelector;
import dev.podnet.warm.EniConfigSource;
import dev.podnet.warm.NoEniConfigException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;

/**
 * A node's ENIConfig from the API server, found as the VPC CNI finds it (pkg/eniconfig MyENIConfig): read the Node,
 * name its ENIConfig by {@link EniConfigSelector}, get that cluster-scoped {@code crd.k8s.amazonaws.com/v1alpha1}
 * ENIConfig.
 *
 * <p>Read when a new ENI is created, not watched: a node creates a handful of ENIs in its life, each read is two GETs
 * bounded by the client's request timeout, and the answer is the ENIConfig of that moment, never a stale cache; the
 * warm-pool loop backs off while there is none, which bounds the reads. Why there is none goes on the Node as a
 * Warning event, once until the reason changes or an ENIConfig is found.
 */
public final class ApiEniConfigs implements EniConfigSource {
    public static final String NOT_FOUND = "ENIConfigNotFound";
    public static final String INVALID = "ENIConfigInvalid";
    static final ResourceDefinitionContext RESOURCE = new ResourceDefinitionContext.Builder()
            .withGroup(EniConfig.GROUP).withVersion(EniConfig.VERSION).withKind(EniConfig.KIND)
            .withPlural("eniconfigs").withNamespaced(false).build();

    private final KubernetesClient client;
    private final String nodeName;
    private final EniConfigSelector selector;
    private final WarningEvents events;
    /** The reason last posted on the Node, or empty; read and written by the warm-pool loop alone. */
    private String posted = "";

    public ApiEniConfigs(KubernetesClient client, String nodeName, EniConfigSelector selector, InstantSource clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.selector = selector;
        this.events = new WarningEvents(client, "podnet-agent", nodeName, clock);
    }

    @Override
    public EniConfig current() {
        try {
            Node node = client.nodes().withName(nodeName).get();
            if (node == null) {
                throw new NoEniConfigException("node " + nodeName + " is not in the API server, so it names no "
                        + "ENIConfig (the node name comes from --node-name or MY_NODE_NAME)");
            }
            EniConfigSelector.Choice choice = selector.choose(orEmpty(node.getMetadata().getLabels()),
                    orEmpty(node.getMetadata().getAnnotations()));
            GenericKubernetesResource found = choice.name().isEmpty() ? null
                    : client.genericKubernetesResources(RESOURCE).withName(choice.name()).get();
            if (found == null) {
                throw post(node, NOT_FOUND, "no ENIConfig named \"" + choice.name() + "\" (" + choice.from() + ")");
            }
            EniConfig config = parse(node, found);
            posted = "";
            return config;
        } catch (KubernetesClientException e) {
            throw new NoEniConfigException("the API server did not answer for the ENIConfig of node " + nodeName
                    + ": " + e.getMessage());
        }
    }

    private EniConfig parse(Node node, GenericKubernetesResource found) {
        try {
            return EniConfig.fromManifest(client.getKubernetesSerialization().convertValue(found, JsonNode.class),
                    "the API server");
        } catch (InvalidInputException e) {
            throw post(node, INVALID, e.getMessage());
        }
    }

    private NoEniConfigException post(Node node, String reason, String message) {
        if (!message.equals(posted)) {
            events.warning(node, reason, "no ENI is created for pods: " + message);
            posted = message;
        }
        return new NoEniConfigException(message);
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return Objects.requireNonNullElse(map, Map.of());
    }
}
