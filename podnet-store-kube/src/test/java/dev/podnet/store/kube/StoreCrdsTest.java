package dev.podnet.store.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.kube.RbacCheck;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The manifest users apply describes exactly the objects the store writes, and grants exactly what it calls. */
class StoreCrdsTest {

    @Test
    void theCrdsNameTheStoresKindsAndEveryFieldTheyHold() throws Exception {
        List<HasMetadata> objects;
        try (InputStream in = StoreCrdsTest.class.getResourceAsStream("store-crds.yaml")) {
            objects = Serialization.unmarshal(in);
        }
        CustomResourceDefinition entries = crd(objects, StoreEntry.class);
        CustomResourceDefinition logs = crd(objects, StoreLog.class);
        JSONSchemaProps entrySpec = spec(entries);
        assertThat(entrySpec.getProperties()).containsOnlyKeys(fields(StoreEntry.Spec.class));
        JSONSchemaProps logSpec = spec(logs);
        assertThat(logSpec.getProperties()).containsOnlyKeys(fields(StoreLog.Spec.class));
        JSONSchemaProps change = logSpec.getProperties().get("changes").getItems().getSchema();
        assertThat(change.getProperties()).containsOnlyKeys(fields(Change.class));
        assertThat(change.getProperties().get("ops").getItems().getSchema().getProperties())
                .containsOnlyKeys(fields(Change.Op.class));
    }

    /** The roles beside the CRDs, for a store used alone, grant it exactly what podnet's own rbac.yaml does. */
    @Test
    void theStoresRolesGrantWhatPodnetsRbacGrantsTheStore() throws Exception {
        List<HasMetadata> objects;
        try (InputStream in = StoreCrdsTest.class.getResourceAsStream("store-crds.yaml")) {
            objects = Serialization.unmarshal(in);
        }
        assertThat(storeGrants(objects)).isNotEmpty().isEqualTo(storeGrants(RbacCheck.manifest()));
    }

    /** "namespace-or-* group/resource verb" for every verb on the store's objects that the roles grant. */
    private static Set<String> storeGrants(List<HasMetadata> objects) {
        Set<String> grants = new TreeSet<>();
        for (HasMetadata o : objects) {
            List<PolicyRule> rules = o instanceof ClusterRole c ? c.getRules()
                    : o instanceof Role r ? r.getRules() : List.of();
            String where = o instanceof Role ? o.getMetadata().getNamespace() : "*";
            for (PolicyRule rule : rules) {
                for (String group : rule.getApiGroups()) {
                    for (String resource : rule.getResources()) {
                        if (Set.of("storeentries", "storelogs", "leases").contains(resource)) {
                            rule.getVerbs().forEach(v -> grants.add(where + " " + group + "/" + resource + " " + v));
                        }
                    }
                }
            }
        }
        return grants;
    }

    private static CustomResourceDefinition crd(List<HasMetadata> objects, Class<? extends HasMetadata> type) {
        CustomResourceDefinition crd = objects.stream().filter(CustomResourceDefinition.class::isInstance)
                .map(CustomResourceDefinition.class::cast)
                .filter(c -> c.getMetadata().getName().equals(HasMetadata.getFullResourceName(type)))
                .findFirst().orElseThrow(() -> new AssertionError("no CRD " + HasMetadata.getFullResourceName(type)));
        assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo(HasMetadata.getKind(type));
        assertThat(crd.getSpec().getVersions()).extracting(v -> v.getName()).containsExactly(HasMetadata.getVersion(type));
        return crd;
    }

    private static JSONSchemaProps spec(CustomResourceDefinition crd) {
        return crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    }

    private static String[] fields(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toArray(String[]::new);
    }
}
