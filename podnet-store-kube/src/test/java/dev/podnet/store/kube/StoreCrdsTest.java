package dev.podnet.store.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifest users apply describes exactly the objects the store writes. */
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
