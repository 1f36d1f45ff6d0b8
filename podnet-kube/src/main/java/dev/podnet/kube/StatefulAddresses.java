package dev.podnet.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The {@link StatefulAddress} objects in the API server: read by name, created once (a 409 AlreadyExists is someone
 * else's create, read and used), changed by compare-and-swap on the resourceVersion read (retried from a fresh read
 * on 409 Conflict), deleted when the StatefulSet no longer wants the ordinal. Every failure is a
 * {@link KubeApiException}.
 */
public final class StatefulAddresses {
    public static final ResourceDefinitionContext RESOURCE = new ResourceDefinitionContext.Builder()
            .withGroup(StatefulAddress.GROUP).withVersion(StatefulAddress.VERSION).withKind(StatefulAddress.KIND)
            .withPlural(StatefulAddress.PLURAL).withNamespaced(true).build();
    /** A few agents at most write one pod's object: the old node dropping it and the new one taking it. */
    static final int ATTEMPTS = 10;

    private final KubernetesClient client;

    public StatefulAddresses(KubernetesClient client) {
        this.client = client;
    }

    public Optional<StatefulAddress> get(String namespace, String name) {
        GenericKubernetesResource o = KubeApiException.call(client, () -> client.genericKubernetesResources(RESOURCE)
                .inNamespace(namespace).withName(name).get());
        return Optional.ofNullable(o).map(StatefulAddresses::read);
    }

    /** Creates {@code a}; if its name exists already, the object there is the answer. */
    public StatefulAddress create(StatefulAddress a) {
        try {
            return read(KubeApiException.call(client, () -> client.genericKubernetesResources(RESOURCE)
                    .inNamespace(a.namespace()).resource(object(a)).create()));
        } catch (KubeApiException e) {
            if (e.status() != 409) {
                throw e;
            }
            return get(a.namespace(), a.name()).orElseThrow(() -> e);
        }
    }

    /**
     * Writes {@code change} of the object as read, again from a fresh read while another writer got in between. Empty
     * if the object is gone; {@code change} returning its input unchanged writes nothing.
     */
    public Optional<StatefulAddress> update(String namespace, String name, UnaryOperator<StatefulAddress> change) {
        return ConflictRetry.retried(ATTEMPTS, ConflictRetry.Backoff.JITTERED, () -> { }, () -> {
            Optional<StatefulAddress> current = get(namespace, name);
            if (current.isEmpty()) {
                return current;
            }
            StatefulAddress changed = change.apply(current.get());
            if (changed.equals(current.get())) {
                return current;
            }
            // The resourceVersion read rides along: the API server refuses the write with 409 if it changed.
            return Optional.of(read(KubeApiException.call(client, () -> client.genericKubernetesResources(RESOURCE)
                    .inNamespace(namespace).resource(object(changed)).update())));
        });
    }

    /** Deletes the object; one already gone is no error. */
    public void delete(String namespace, String name) {
        KubeApiException.call(client, () -> client.genericKubernetesResources(RESOURCE).inNamespace(namespace)
                .withName(name).delete());
    }

    private static GenericKubernetesResource object(StatefulAddress a) {
        GenericKubernetesResource o = new GenericKubernetesResourceBuilder()
                .withApiVersion(StatefulAddress.GROUP + "/" + StatefulAddress.VERSION).withKind(StatefulAddress.KIND)
                .withNewMetadata().withNamespace(a.namespace()).withName(a.name())
                .withResourceVersion(a.resourceVersion().orElse(null))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("StatefulSet")
                        .withName(a.owner().name()).withUid(a.owner().uid()).withController(false)
                        .withBlockOwnerDeletion(false).build())
                .endMetadata().build();
        o.setAdditionalProperty("spec", a.spec());
        return o;
    }

    @SuppressWarnings("unchecked")
    private static StatefulAddress read(GenericKubernetesResource o) {
        var meta = o.getMetadata();
        StatefulAddress.Owner owner = meta.getOwnerReferences() == null ? null : meta.getOwnerReferences().stream()
                .filter(r -> "StatefulSet".equals(r.getKind())).findFirst()
                .map(r -> new StatefulAddress.Owner(r.getName(), r.getUid())).orElse(null);
        if (owner == null) {
            throw new dev.podnet.net.InvalidInputException(StatefulAddress.KIND + " " + meta.getNamespace() + "/"
                    + meta.getName() + " has no ownerReference to a StatefulSet");
        }
        return StatefulAddress.of(meta.getNamespace(), meta.getName(), owner,
                (Map<String, Object>) o.getAdditionalProperties().get("spec"), meta.getResourceVersion());
    }
}
