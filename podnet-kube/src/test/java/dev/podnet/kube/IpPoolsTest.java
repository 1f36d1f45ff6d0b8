package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The IPPools as the agent lists them, and the CRD users apply for them. */
class IpPoolsTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    private final KubernetesClient client = API.client();
    /** podnet's own client: its requests are held to podnet's RBAC. */
    private final KubernetesClient podnet = API.podnetClient();

    @AfterEach
    void close() {
        client.close();
        podnet.close();
    }

    @Test
    void anInvalidPoolIsReportedAndTheOthersServe() {
        KubeFixtures.ipPool(client, "green", Map.of("subnet", "10.2.0.0/24", "default", true));
        KubeFixtures.ipPool(client, "blue", Map.of("subnet", "10.1.0.0/24", "ips", List.of("10.1.0.300")));
        KubeFixtures.ipPool(client, "amber", Map.of("subnet", "fd00::/64"));
        IpPools.Listing listing = IpPools.list(podnet);
        assertThat(listing.pools()).extracting(IpPool::name).containsExactly("amber", "green");
        assertThat(listing.invalid()).containsExactly(
                "IPPool \"blue\": spec.ips[0] \"10.1.0.300\" is not an IPv4 address");
    }

    @Test
    void theCrdDescribesEverySpecFieldIpPoolReads() throws Exception {
        CustomResourceDefinition crd;
        try (InputStream in = IpPool.class.getResourceAsStream("ippools-crd.yaml")) {
            crd = Serialization.unmarshal(in);
        }
        assertThat(crd.getMetadata().getName()).isEqualTo(IpPool.PLURAL + "." + IpPool.GROUP);
        assertThat(crd.getSpec().getGroup()).isEqualTo(IpPool.GROUP);
        assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo(IpPool.KIND);
        var version = crd.getSpec().getVersions().getFirst();
        assertThat(crd.getSpec().getVersions()).hasSize(1);
        assertThat(version.getName()).isEqualTo(IpPool.VERSION);
        assertThat(version.getSubresources().getStatus()).isNotNull();
        assertThat(version.getAdditionalPrinterColumns()).extracting(c -> c.getName())
                .startsWith("VERSION", "SUBNET", "ALLOCATED-IP-COUNT", "TOTAL-IP-COUNT", "DEFAULT");
        Map<String, JSONSchemaProps> root = version.getSchema().getOpenAPIV3Schema().getProperties();
        JSONSchemaProps spec = root.get("spec");
        assertThat(spec.getRequired()).containsExactly("subnet");
        assertThat(spec.getProperties()).containsOnlyKeys(specFields());
        assertThat(spec.getProperties().get("routes").getItems().getSchema().getProperties())
                .containsOnlyKeys(fields(IpPool.Route.class));
        assertThat(spec.getProperties().get("nodeSlot").getProperties()).containsOnlyKeys(fields(IpPool.NodeSlot.class));
        for (String selector : List.of("nodeAffinity", "namespaceAffinity", "podAffinity")) {
            assertThat(spec.getProperties().get(selector).getProperties())
                    .containsOnlyKeys(fields(LabelSelector.class));
        }
        assertThat(root.get("status").getProperties()).containsOnlyKeys("allocatedIPCount", "totalIPCount", IpPoolStatus.NODES);
    }

    /** The record's components that come from the spec, under their spec names. */
    private static String[] specFields() {
        Set<String> notSpec = Set.of("name", "labels", "allocatedIPCount", "totalIPCount");
        return Arrays.stream(fields(IpPool.class)).filter(f -> !notSpec.contains(f))
                .map(f -> f.equals("isDefault") ? "default" : f).toArray(String[]::new);
    }

    private static String[] fields(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toArray(String[]::new);
    }

    @Test
    void withoutTheCrdThereAreNoPoolsAndOtherErrorsStayErrors() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        int[] status = {404};
        server.createContext("/", exchange -> {
            byte[] body = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                    + status[0] + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        try (KubernetesClient noCrd = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(url).withRequestRetryBackoffLimit(0)
                        .build()).build()) {
            assertThat(IpPools.list(noCrd).pools()).isEmpty();
            status[0] = 403;
            assertThatThrownBy(() -> IpPools.list(noCrd)).isInstanceOf(KubeApiException.class)
                    .hasMessageContaining("403");
        } finally {
            server.stop(0);
        }
    }
}
