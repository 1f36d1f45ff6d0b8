package dev.podnet.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.net.InvalidInputException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads the cluster's IPPools. One invalid object is reported and skipped: the others still serve pods. */
public final class IpPools {
    public static final ResourceDefinitionContext RESOURCE = new ResourceDefinitionContext.Builder()
            .withGroup(IpPool.GROUP).withVersion(IpPool.VERSION).withKind(IpPool.KIND).withPlural(IpPool.PLURAL)
            .withNamespaced(false).build();

    /** The valid pools by name, and one message per invalid object naming it and what is wrong. */
    public record Listing(List<IpPool> pools, List<String> invalid) {
        public Listing {
            pools = List.copyOf(pools);
            invalid = List.copyOf(invalid);
        }
    }

    private IpPools() {
    }

    private static final int NOT_FOUND = 404;

    /** Every IPPool (none when the CRD is not installed); a failed call is a {@link KubeApiException}. */
    public static Listing list(KubernetesClient client) {
        List<GenericKubernetesResource> items;
        try {
            items = KubeApiException.call(client, () -> client.genericKubernetesResources(RESOURCE).list().getItems());
        } catch (KubeApiException e) {
            if (e.status() != NOT_FOUND) {
                throw e;
            }
            // The CRD is not installed: a cluster without IPPools, not an error every round.
            return new Listing(List.of(), List.of());
        }
        List<IpPool> pools = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (GenericKubernetesResource item : items) {
            try {
                pools.add(IpPool.fromJson(client.getKubernetesSerialization().convertValue(item, JsonNode.class),
                        "the API server"));
            } catch (InvalidInputException e) {
                invalid.add(e.getMessage());
            }
        }
        pools.sort(Comparator.comparing(IpPool::name));
        return new Listing(pools, invalid);
    }
}
