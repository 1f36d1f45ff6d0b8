package dev.podnet.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/** Objects the tests put on {@link KubeMock}: Nodes, ENIConfigs, IPPools and the events podnet posted on a Node. */
public final class KubeFixtures {
    private KubeFixtures() {
    }

    public static void node(KubernetesClient client, String name, Map<String, String> labels,
                            Map<String, String> annotations) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels)
                .withAnnotations(annotations).endMetadata().build()).create();
    }

    /** Creates or replaces the ENIConfig {@code name}, as {@code kubectl apply} of its manifest would. */
    public static void eniConfig(KubernetesClient client, String name, String subnet, String... securityGroups) {
        GenericKubernetesResource r = new GenericKubernetesResourceBuilder()
                .withApiVersion(ApiEniConfigs.RESOURCE.getGroup() + "/" + ApiEniConfigs.RESOURCE.getVersion())
                .withKind(ApiEniConfigs.RESOURCE.getKind()).withNewMetadata().withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("subnet", subnet,
                        "securityGroups", List.of(securityGroups))))
                .build();
        client.genericKubernetesResources(ApiEniConfigs.RESOURCE).resource(r).createOr(op -> op.update());
    }

    public static void deleteEniConfig(KubernetesClient client, String name) {
        client.genericKubernetesResources(ApiEniConfigs.RESOURCE).withName(name).delete();
    }

    /** The events on node {@code name}, oldest first. */
    public static List<Event> events(KubernetesClient client, String name) {
        return events(client, WarningEvents.NODE_NAMESPACE, "Node", name);
    }

    /** The events on the object of that kind and name in {@code namespace}, oldest first. */
    public static List<Event> events(KubernetesClient client, String namespace, String kind, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getKind().equals(kind)
                        && e.getInvolvedObject().getName().equals(name))
                .toList();
    }

    /** Registers podnet's IPPool CRD, so that the mock serves the pools' status subresource as a real server does. */
    public static void ipPoolCrd(KubernetesClient client) throws IOException {
        try (InputStream in = IpPool.class.getResourceAsStream("ippools-crd.yaml")) {
            CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(in,
                    CustomResourceDefinition.class);
            client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(op -> op.update());
        }
    }

    /** Creates or replaces the IPPool {@code name} with this spec; returns it as the server holds it. */
    public static GenericKubernetesResource ipPool(KubernetesClient client, String name, Map<String, Object> spec) {
        GenericKubernetesResource r = new GenericKubernetesResourceBuilder()
                .withApiVersion(IpPool.GROUP + "/" + IpPool.VERSION).withKind(IpPool.KIND)
                .withNewMetadata().withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", spec)).build();
        return client.genericKubernetesResources(IpPools.RESOURCE).resource(r).createOr(op -> op.update());
    }

    /** Creates or replaces the NetworkConfig {@code namespace/name} with this spec; returns it as the server holds it. */
    public static GenericKubernetesResource networkConfig(KubernetesClient client, String namespace, String name,
                                                          Map<String, Object> spec) {
        GenericKubernetesResource r = new GenericKubernetesResourceBuilder()
                .withApiVersion(NetworkConfig.GROUP + "/" + NetworkConfig.VERSION).withKind(NetworkConfig.KIND)
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", spec)).build();
        return client.genericKubernetesResources(NetworkConfigController.NETWORK_CONFIGS).inNamespace(namespace)
                .resource(r).createOr(op -> op.update());
    }
}
