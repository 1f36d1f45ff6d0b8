package dev.podnet.agent.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.podnet.kube.KubeMock;
import dev.podnet.kube.StatefulAddress;
import dev.podnet.kube.StatefulAddresses;
import dev.podnet.kube.SpiderpoolConversion;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each CRD podnet manifests writes takes the objects podnet and its examples write, and refuses wrong types: the
 * API server validates against openAPIV3Schema the same way (a structural schema is JSON Schema with a few
 * x-kubernetes keywords, which this validator ignores).
 */
class CrdSchemaTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final YAMLMapper YAML = new YAMLMapper();
    /** kind to schema, from the CRDs the command writes. */
    private static final Map<String, Schema> SCHEMAS = schemas();

    private static Map<String, Schema> schemas() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
        return Manifests.generate(ManifestSettings.defaults("p:1")).stream()
                .filter(m -> m.kind().equals("CustomResourceDefinition"))
                .map(m -> (CustomResourceDefinition) SERIALIZATION.unmarshal(m.yaml()))
                .collect(Collectors.toMap(crd -> crd.getSpec().getNames().getKind(), crd -> registry.getSchema(
                        SERIALIZATION.asJson(crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema()),
                        InputFormat.JSON)));
    }

    private static List<String> errors(JsonNode object) {
        Schema schema = SCHEMAS.get(object.path("kind").asText());
        assertThat(schema).as("a CRD for " + object.path("kind")).isNotNull();
        return schema.validate(object.toString(), InputFormat.JSON).stream().map(Error::toString).toList();
    }

    private static List<JsonNode> documents(InputStream in) throws Exception {
        try (in; var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(in)) {
            return values.readAll().stream().filter(d -> !d.isEmpty()).toList();
        }
    }

    @Test
    void everyCrdHasASchema() {
        assertThat(SCHEMAS).containsOnlyKeys("IPPool", "NetworkConfig", "StatefulAddress", "StoreEntry", "StoreLog");
    }

    @Test
    void theNetworkConfigExample() throws Exception {
        List<JsonNode> example = documents(Files.newInputStream(Path.of("../examples/networkconfig.yaml")));
        assertThat(example).singleElement().satisfies(o -> assertThat(errors(o)).isEmpty());
    }

    @Test
    void thePlannersIpPoolsForTheDualStackExample() throws Exception {
        List<JsonNode> pools = documents(KubeMock.class.getResourceAsStream("/ippools/dual-stack-underlay.yaml"));
        assertThat(pools).hasSizeGreaterThan(1);
        for (JsonNode pool : pools) {
            assertThat(errors(pool)).as(pool.at("/metadata/name").asText()).isEmpty();
        }
    }

    @Test
    void theSpiderpoolExampleConverted() throws Exception {
        SpiderpoolConversion.Result converted = SpiderpoolConversion.convert(
                documents(Files.newInputStream(Path.of("../examples/spiderpool-objects.yaml"))));
        assertThat(converted.objects()).extracting(o -> o.path("kind").asText()).contains("IPPool", "NetworkConfig");
        for (ObjectNode object : converted.objects()) {
            assertThat(errors(object)).as(object.at("/metadata/name").asText()).isEmpty();
        }
    }

    @Test
    void aStatefulAddressAsPodnetWritesIt() throws Exception {
        try (KubernetesClient client = API.client()) {
            new StatefulAddresses(client).create(new StatefulAddress("shop", "db-0",
                    new StatefulAddress.Owner("db", "uid-1"), "node-a", "pod-uid-1",
                    List.of(new StatefulAddress.Interface("eth0", "vpc", List.of(), List.of("10.0.1.5/32"))),
                    Optional.empty()));
            GenericKubernetesResource stored = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                    .withGroup(StatefulAddress.GROUP).withVersion(StatefulAddress.VERSION).withKind(StatefulAddress.KIND)
                    .withPlural(StatefulAddress.PLURAL).withNamespaced(true).build())
                    .inNamespace("shop").withName("db-0").get();
            assertThat(errors(YAML.readTree(SERIALIZATION.asJson(stored)))).isEmpty();
        }
    }

    @Test
    void wrongTypesAreRefused() throws Exception {
        ObjectNode pool = (ObjectNode) documents(
                KubeMock.class.getResourceAsStream("/ippools/dual-stack-underlay.yaml")).getFirst().deepCopy();
        ((ObjectNode) pool.get("spec")).put("ipVersion", "four");
        assertThat(errors(pool)).contains("/spec/ipVersion: string found, integer expected");

        ObjectNode pinned = (ObjectNode) documents(
                KubeMock.class.getResourceAsStream("/ippools/dual-stack-underlay.yaml")).getFirst().deepCopy();
        ((ObjectNode) pinned.get("spec")).put("nodeName", "node-a");
        assertThat(errors(pinned)).containsExactly("/spec/nodeName: string found, array expected");

        ObjectNode config = (ObjectNode) documents(Files.newInputStream(Path.of("../examples/networkconfig.yaml")))
                .getFirst().deepCopy();
        ((ObjectNode) config.get("spec")).put("cniType", "bridge");
        assertThat(errors(config)).singleElement().asString().startsWith("/spec/cniType: ");
    }

    @Test
    void storeObjects() throws Exception {
        JsonNode entry = YAML.readTree("""
                {apiVersion: podnet.dev/v1, kind: StoreEntry, metadata: {name: e1},
                 spec: {key: /podnet/x, value: aGk=, createRevision: 3, modRevision: 4, version: 2, lease: 0, deleted: false}}""");
        assertThat(errors(entry)).isEmpty();
        ObjectNode bad = entry.deepCopy();
        ((ObjectNode) bad.get("spec")).put("modRevision", "four");
        assertThat(errors(bad)).isNotEmpty();
        JsonNode log = YAML.readTree("""
                {apiVersion: podnet.dev/v1, kind: StoreLog, metadata: {name: log},
                 spec: {revision: 4, compacted: 1, changes: [{revision: 4, endsLease: 0,
                        ops: [{key: /podnet/x, delete: false, value: aGk=, createRevision: 3, version: 2, lease: 0}]}]}}""");
        assertThat(errors(log)).isEmpty();
    }

}
