package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StatefulAddressesTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    static final StatefulAddress.Owner DB = new StatefulAddress.Owner("db", "sts-uid-1");

    static StatefulAddress record(String name) {
        return new StatefulAddress("shop", name, DB, "node-a", "pod-uid-1",
                List.of(new StatefulAddress.Interface("eth0", "default", List.of(), List.of("10.7.0.5"))),
                Optional.empty());
    }

    @Test
    void theCrdIsNamespacedAndDescribesWhatTheAgentWrites() throws Exception {
        CustomResourceDefinition crd;
        try (InputStream in = StatefulAddress.class.getResourceAsStream("statefuladdresses-crd.yaml")) {
            crd = Serialization.unmarshal(in);
        }
        assertThat(crd.getMetadata().getName()).isEqualTo(StatefulAddress.PLURAL + "." + StatefulAddress.GROUP);
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo(StatefulAddress.KIND);
        var version = crd.getSpec().getVersions().getFirst();
        assertThat(version.getName()).isEqualTo(StatefulAddress.VERSION);
        JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertThat(spec.getProperties()).containsOnlyKeys(record("db-0").spec().keySet());
        assertThat(spec.getProperties().get("interfaces").getItems().getSchema().getProperties())
                .containsOnlyKeys("name", "network", "pools", "addresses");
    }

    @Test
    void createdOnceUpdatedByCasAndDeleted() {
        try (KubernetesClient client = API.client()) {
            StatefulAddresses store = new StatefulAddresses(client);
            StatefulAddress created = store.create(record("db-0"));
            assertThat(created.resourceVersion()).isPresent();
            assertThat(created.iface("eth0").orElseThrow().addresses()).containsExactly("10.7.0.5");
            // A second create (another agent, or this one after a crash) gets the object that is there.
            StatefulAddress again = store.create(record("db-0").heldBy("node-b", "other"));
            assertThat(again.node()).isEqualTo("node-a");
            var object = client.genericKubernetesResources(StatefulAddresses.RESOURCE).inNamespace("shop")
                    .withName("db-0").get();
            assertThat(object.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
                assertThat(r.getKind()).isEqualTo("StatefulSet");
                assertThat(r.getUid()).isEqualTo("sts-uid-1");
            });
            // A writer whose read went stale meets 409 and writes again from a fresh read.
            int[] calls = {0};
            StatefulAddress moved = store.update("shop", "db-0", a -> {
                if (calls[0]++ == 0) {
                    store.update("shop", "db-0", b -> b.heldBy("node-c", "pod-uid-2"));
                }
                return a.heldBy("node-b", a.podUid());
            }).orElseThrow();
            assertThat(calls[0]).isEqualTo(2);
            assertThat(moved.node()).isEqualTo("node-b");
            assertThat(moved.podUid()).isEqualTo("pod-uid-2");
            store.delete("shop", "db-0");
            store.delete("shop", "db-0");
            assertThat(store.get("shop", "db-0")).isEmpty();
            assertThat(store.update("shop", "db-0", a -> a.heldBy("x", "y"))).isEmpty();
        }
    }

    @Test
    void anObjectWithoutItsFieldsIsAnErrorNamingThem() {
        assertThatThrownBy(() -> StatefulAddress.of("shop", "db-0", DB, Map.of("node", "n", "podUID", "u",
                "interfaces", List.of(Map.of("name", "eth0", "network", "default"))), "1"))
                .hasMessageContaining("StatefulAddress shop/db-0").hasMessageContaining("spec.interfaces[].addresses");
    }

    @Test
    void ownerOrdinalAndWhetherTheStatefulSetStillWantsIt() {
        var pod = new PodBuilder().withMetadata(new ObjectMetaBuilder().withName("db-2").withNamespace("shop")
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("StatefulSet")
                        .withName("db").withUid("sts-uid-1").withController(true).build()).build()).build();
        assertThat(StatefulSets.owner(pod)).contains(DB);
        assertThat(StatefulSets.ordinal("db-2", "db")).isEqualTo(OptionalInt.of(2));
        assertThat(StatefulSets.ordinal("db-02", "db")).isEmpty();
        assertThat(StatefulSets.ordinal("db-x", "db")).isEmpty();
        assertThat(StatefulSets.ordinal("dbx-1", "db")).isEmpty();
        try (KubernetesClient client = API.client()) {
            assertThat(StatefulSets.unwanted(client, "shop", "db-2", DB)).hasValueSatisfying(w ->
                    assertThat(w).contains("StatefulSet shop/db is gone"));
            client.apps().statefulSets().inNamespace("shop").resource(new StatefulSetBuilder().withNewMetadata()
                    .withName("db").withNamespace("shop").withUid("sts-uid-1").endMetadata().withNewSpec()
                    .withReplicas(3).endSpec().build()).create();
            var live = client.apps().statefulSets().inNamespace("shop").withName("db").get();
            StatefulAddress.Owner owner = new StatefulAddress.Owner("db", live.getMetadata().getUid());
            assertThat(StatefulSets.unwanted(client, "shop", "db-2", owner)).isEmpty();
            client.apps().statefulSets().inNamespace("shop").withName("db").edit(s -> {
                s.getSpec().setReplicas(2);
                return s;
            });
            assertThat(StatefulSets.unwanted(client, "shop", "db-2", owner)).hasValueSatisfying(w ->
                    assertThat(w).contains("spec.replicas 2, so ordinal 2 is not wanted"));
            assertThat(StatefulSets.unwanted(client, "shop", "db-1", owner)).isEmpty();
            assertThat(StatefulSets.unwanted(client, "shop", "db-1", new StatefulAddress.Owner("db", "older")))
                    .hasValueSatisfying(w -> assertThat(w).contains("re-created"));
        }
    }
}
