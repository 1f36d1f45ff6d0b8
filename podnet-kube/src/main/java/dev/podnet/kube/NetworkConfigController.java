package dev.podnet.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.net.InvalidInputException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Writes, for every {@link NetworkConfig}, the Multus {@code k8s.cni.cncf.io/v1} NetworkAttachmentDefinition of the
 * same namespace and name, as Spiderpool's controller does for a SpiderMultusConfig. The NAD is owned by its
 * NetworkConfig (controller, blockOwnerDeletion), so Kubernetes' garbage collector deletes it with it: this controller
 * creates and updates, and never deletes on absence. A NAD is read first and written only when its config differs; a
 * 409 (someone wrote in between) is retried on a fresh read. A NAD of that name that podnet does not own is left
 * alone, and an invalid NetworkConfig gets none: both are reported as a Warning event on the NetworkConfig, once until
 * the reason changes.
 *
 * <p>Idempotent and conflict-checked, so any number of agents may run it at once; each costs one list and one GET per
 * NetworkConfig per round. The NAD is a {@link GenericKubernetesResource}: the only typed model in fabric8's BOM
 * (openshift-model-miscellaneous) brings OpenShift's model along for three fields.
 */
public final class NetworkConfigController {
    public static final String INVALID = "NetworkConfigInvalid";
    public static final String NOT_OWNED = "NetworkAttachmentDefinitionNotOwned";
    public static final ResourceDefinitionContext NETWORK_CONFIGS = new ResourceDefinitionContext.Builder()
            .withGroup(NetworkConfig.GROUP).withVersion(NetworkConfig.VERSION).withKind(NetworkConfig.KIND)
            .withPlural("networkconfigs").withNamespaced(true).build();
    public static final ResourceDefinitionContext NADS = new ResourceDefinitionContext.Builder()
            .withGroup("k8s.cni.cncf.io").withVersion("v1").withKind("NetworkAttachmentDefinition")
            .withPlural("network-attachment-definitions").withNamespaced(true).build();
    /** Writes of one NAD that met a 409, each on a fresh read, before the round moves on. */
    static final int ATTEMPTS = 3;
    private static final System.Logger LOG = System.getLogger(NetworkConfigController.class.getName());

    /** What one NetworkConfig came to. */
    public enum Outcome { WRITTEN, UNCHANGED, REFUSED }

    /** What one round did, by NetworkConfig "namespace/name", and the error that stopped it, if any. */
    public record Round(Map<String, Outcome> outcomes, Optional<KubeApiException> stoppedBy) {
    }

    private final KubernetesClient client;
    private final WarningEvents events;
    /** The reason last posted per NetworkConfig uid; read and written by the controller's loop alone. */
    private final Map<String, String> posted = new HashMap<>();

    public NetworkConfigController(KubernetesClient client, String nodeName, InstantSource clock) {
        this.client = client;
        this.events = new WarningEvents(client, "podnet-agent", nodeName, clock);
    }

    public Round run() {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        try {
            List<GenericKubernetesResource> configs = KubeApiException.call(client, () ->
                    client.genericKubernetesResources(NETWORK_CONFIGS).inAnyNamespace().list().getItems());
            for (GenericKubernetesResource config : configs) {
                String key = config.getMetadata().getNamespace() + "/" + config.getMetadata().getName();
                try {
                    outcomes.put(key, reconcile(config));
                } catch (KubeApiException e) {
                    LOG.log(System.Logger.Level.WARNING, "NetworkConfig {0}: {1}", key, e.getMessage());
                    if (e.unavailable()) {
                        throw e;
                    }
                }
            }
        } catch (KubeApiException e) { // 404 here: the NetworkConfig CRD is not installed
            LOG.log(System.Logger.Level.WARNING, "NetworkConfigs: the round stops: {0}", e.getMessage());
            return new Round(outcomes, Optional.of(e));
        }
        return new Round(outcomes, Optional.empty());
    }

    private Outcome reconcile(GenericKubernetesResource object) {
        NetworkConfig config;
        try {
            config = NetworkConfig.from(client.getKubernetesSerialization().convertValue(object, JsonNode.class));
        } catch (InvalidInputException e) {
            return refuse(object, INVALID, e.getMessage() + "; no NetworkAttachmentDefinition is written");
        }
        return retriedOnConflict(() -> KubeApiException.call(client, () -> write(object, config)));
    }

    /** A read-then-write, again from the read while it meets a 409, at most {@link #ATTEMPTS} times in all. */
    static <T> T retriedOnConflict(Supplier<T> readThenWrite) {
        return ConflictRetry.retried(ATTEMPTS, ConflictRetry.Backoff.NONE, () -> { }, readThenWrite);
    }

    private Outcome write(GenericKubernetesResource object, NetworkConfig config) {
        var nads = client.genericKubernetesResources(NADS).inNamespace(config.namespace());
        GenericKubernetesResource nad = nads.withName(config.name()).get();
        String conflist = config.conflist();
        if (nad == null) {
            nads.resource(new GenericKubernetesResourceBuilder()
                    .withApiVersion(NADS.getGroup() + "/" + NADS.getVersion()).withKind(NADS.getKind())
                    .withNewMetadata().withNamespace(config.namespace()).withName(config.name())
                    .withOwnerReferences(owner(config)).endMetadata()
                    .withAdditionalProperties(Map.of("spec", Map.of("config", conflist))).build()).create();
            return written(config);
        }
        if (!ownedBy(nad, config)) {
            return refuse(object, NOT_OWNED, "the NetworkAttachmentDefinition " + config.namespace() + "/"
                    + config.name() + " exists and is not owned by this NetworkConfig: podnet leaves it alone; delete "
                    + "it to have podnet write its own");
        }
        if (conflist.equals(config(nad))) {
            posted.remove(config.uid());
            return Outcome.UNCHANGED;
        }
        nad.setAdditionalProperty("spec", Map.of("config", conflist));
        nads.resource(nad).update(); // carries the resourceVersion read: a write in between is a 409
        return written(config);
    }

    private Outcome written(NetworkConfig config) {
        posted.remove(config.uid());
        LOG.log(System.Logger.Level.INFO, "NetworkConfig {0}/{1}: wrote its NetworkAttachmentDefinition {2}",
                config.namespace(), config.name(), config.conflist());
        return Outcome.WRITTEN;
    }

    private Outcome refuse(GenericKubernetesResource object, String reason, String message) {
        if (!message.equals(posted.put(object.getMetadata().getUid(), message))) {
            events.warning(object, reason, message);
        }
        return Outcome.REFUSED;
    }

    static OwnerReference owner(NetworkConfig config) {
        return new OwnerReferenceBuilder().withApiVersion(NetworkConfig.GROUP + "/" + NetworkConfig.VERSION)
                .withKind(NetworkConfig.KIND).withName(config.name()).withUid(config.uid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    private static boolean ownedBy(GenericKubernetesResource nad, NetworkConfig config) {
        return Objects.requireNonNullElse(nad.getMetadata().getOwnerReferences(), List.<OwnerReference>of()).stream()
                .anyMatch(o -> config.uid().equals(o.getUid()) && Boolean.TRUE.equals(o.getController()));
    }

    private static String config(GenericKubernetesResource nad) {
        return nad.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
                && spec.get("config") instanceof String s ? s : null;
    }
}
