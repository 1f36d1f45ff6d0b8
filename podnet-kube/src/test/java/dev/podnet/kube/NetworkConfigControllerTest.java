package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.api.CniCommand;
import dev.podnet.api.NetConf;
import dev.podnet.api.NetConfDecoder;
import dev.podnet.kube.NetworkConfigController.Outcome;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * NetworkConfigs turned into NetworkAttachmentDefinitions on the API server (fabric8's CRUD mock, one for the class:
 * each test has its own namespace, and a round also meets the other tests' NetworkConfigs).
 */
class NetworkConfigControllerTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client = API.client();
    /** podnet's own client: its requests are held to podnet's RBAC. */
    private final KubernetesClient podnet = API.podnetClient();
    /** A second later at each reading: the events' names (NAME.nanoseconds) differ, as in real time. */
    private final AtomicLong seconds = new AtomicLong();
    private final InstantSource clock = () -> START.plusSeconds(seconds.getAndIncrement());
    private final NetworkConfigController controller = new NetworkConfigController(podnet, "node-a", clock);

    @AfterEach
    void close() {
        client.close();
        podnet.close();
    }

    private static Map<String, Object> macvlan(Map<String, Object> section) {
        return Map.of("cniType", "macvlan", "macvlan", section);
    }

    private GenericKubernetesResource nad(String namespace, String name) {
        return client.genericKubernetesResources(NetworkConfigController.NADS).inNamespace(namespace).withName(name)
                .get();
    }

    private static JsonNode conflist(GenericKubernetesResource nad) throws Exception {
        return JSON.readTree(((Map<?, ?>) nad.getAdditionalProperties().get("spec")).get("config").toString());
    }

    /** The plugin's configuration as the runtime hands it over: the conflist's cniVersion and name put in. */
    private static NetConf asRuntimeGivesIt(JsonNode conflist) {
        ObjectNode plugin = ((ObjectNode) conflist.path("plugins").get(0)).deepCopy()
                .put("cniVersion", conflist.path("cniVersion").asText()).put("name", conflist.path("name").asText());
        return NetConfDecoder.decode(plugin.toString().getBytes(StandardCharsets.UTF_8), CniCommand.ADD);
    }

    private List<String> reasons(String namespace, String name) {
        return KubeFixtures.events(client, namespace, NetworkConfig.KIND, name).stream().map(Event::getReason).toList();
    }

    @Test
    void aNetworkConfigGetsItsOwnedNadWithPodnetIpamUnderMacvlanOnTheVlanLink() throws Exception {
        GenericKubernetesResource config = KubeFixtures.networkConfig(client, "blue", "macvlan-100", macvlan(Map.of(
                "master", List.of("eth1"), "vlanID", 100, "mtu", 9001,
                "ippools", Map.of("ipv4", List.of("vpc"), "ipv6", List.of("vpc")))));

        assertThat(controller.run().outcomes()).containsEntry("blue/macvlan-100", Outcome.WRITTEN);

        GenericKubernetesResource nad = nad("blue", "macvlan-100");
        assertThat(nad.getApiVersion()).isEqualTo("k8s.cni.cncf.io/v1");
        assertThat(nad.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getApiVersion()).isEqualTo("podnet.dev/v1");
            assertThat(o.getKind()).isEqualTo("NetworkConfig");
            assertThat(o.getName()).isEqualTo("macvlan-100");
            assertThat(o.getUid()).isEqualTo(config.getMetadata().getUid()).isNotBlank();
            assertThat(o.getController()).isTrue();
            assertThat(o.getBlockOwnerDeletion()).isTrue();
        });
        JsonNode conflist = conflist(nad);
        assertThat(conflist.path("cniVersion").asText()).isEqualTo("1.0.0");
        assertThat(conflist.path("name").asText()).isEqualTo("macvlan-100");
        assertThat(conflist.path("plugins")).hasSize(1);
        NetConf plugin = asRuntimeGivesIt(conflist);
        assertThat(plugin.type()).isEqualTo("macvlan");
        assertThat(plugin.master()).isEqualTo("eth1.100");
        assertThat(plugin.mtu()).isEqualTo(9001);
        NetConf.Ipam ipam = plugin.requireIpam("podnet-ipam");
        assertThat(ipam.agentSocket()).isEqualTo("/run/podnet/agent.sock");
        assertThat(ipam.pool()).isEqualTo("vpc");
        assertThat(ipam.ranges()).isEmpty();
    }

    @Test
    void theExampleAppliesAndGetsItsNad() throws Exception {
        List<HasMetadata> objects = new java.util.ArrayList<>(
                client.load(NetworkConfig.class.getResourceAsStream("networkconfigs-crd.yaml")).items());
        objects.addAll(client.load(Files.newInputStream(Path.of("../examples/networkconfig.yaml"))).items());
        assertThat(objects).hasSize(2);
        CustomResourceDefinition crd = (CustomResourceDefinition) objects.getFirst();
        var declared = crd.getSpec();
        assertThat(List.of(declared.getGroup(), declared.getVersions().getFirst().getName(),
                declared.getNames().getKind(), declared.getNames().getPlural(), declared.getScope()))
                .isEqualTo(List.of(NetworkConfig.GROUP, NetworkConfig.VERSION, NetworkConfig.KIND,
                        NetworkConfigController.NETWORK_CONFIGS.getPlural(), "Namespaced"));
        GenericKubernetesResource example = (GenericKubernetesResource) objects.get(1);
        client.genericKubernetesResources(NetworkConfigController.NETWORK_CONFIGS).resource(example).create();

        assertThat(controller.run().outcomes()).containsEntry("default/macvlan-100", Outcome.WRITTEN);

        GenericKubernetesResource nad = nad("default", "macvlan-100");
        assertThat(conflist(nad).toString()).isEqualTo("{\"cniVersion\":\"1.0.0\",\"name\":\"macvlan-100\","
                + "\"plugins\":[{\"type\":\"macvlan\",\"master\":\"eth1.100\",\"mtu\":9001,\"ipam\":{"
                + "\"type\":\"podnet-ipam\",\"agentSocket\":\"/run/podnet/agent.sock\",\"pool\":\"vpc\"}}]}");
    }

    @Test
    void aChangedNetworkConfigRewritesItsNadAndAnUnchangedOneIsOnlyRead() throws Exception {
        Map<String, Object> spec = Map.of("cniType", "ipvlan", "ipvlan", Map.of("master", List.of("ens5"), "mtu", 1500));
        KubeFixtures.networkConfig(client, "green", "ipv", spec);
        controller.run();
        String firstVersion = nad("green", "ipv").getMetadata().getResourceVersion();
        API.takeRequests();

        assertThat(controller.run().outcomes()).containsEntry("green/ipv", Outcome.UNCHANGED);
        assertThat(API.takeRequests()).filteredOn(r -> r.contains("/network-attachment-definitions"))
                .containsExactly("GET /apis/k8s.cni.cncf.io/v1/namespaces/green/network-attachment-definitions/ipv");
        assertThat(nad("green", "ipv").getMetadata().getResourceVersion()).isEqualTo(firstVersion);

        KubeFixtures.networkConfig(client, "green", "ipv", Map.of("cniType", "ipvlan",
                "ipvlan", Map.of("master", List.of("ens5"), "mtu", 9001)));
        assertThat(controller.run().outcomes()).containsEntry("green/ipv", Outcome.WRITTEN);
        GenericKubernetesResource nad = nad("green", "ipv");
        assertThat(nad.getMetadata().getResourceVersion()).isNotEqualTo(firstVersion);
        assertThat(asRuntimeGivesIt(conflist(nad))).satisfies(p -> {
            assertThat(p.type()).isEqualTo("ipvlan");
            assertThat(p.master()).isEqualTo("ens5");
            assertThat(p.mtu()).isEqualTo(9001);
            assertThat(p.ipam().pool()).isNull(); // no ippools: the agent's default pool
        });
    }

    @Test
    void aNadPodnetDoesNotOwnIsLeftAloneAndReportedOnce() throws Exception {
        String foreign = "{\"cniVersion\":\"0.3.1\",\"type\":\"bridge\",\"name\":\"theirs\"}";
        client.genericKubernetesResources(NetworkConfigController.NADS).inNamespace("red").resource(
                new GenericKubernetesResourceBuilder().withApiVersion("k8s.cni.cncf.io/v1")
                        .withKind("NetworkAttachmentDefinition").withNewMetadata().withNamespace("red")
                        .withName("theirs").endMetadata()
                        .withAdditionalProperties(Map.of("spec", Map.of("config", foreign))).build()).create();
        KubeFixtures.networkConfig(client, "red", "theirs", macvlan(Map.of("master", List.of("eth1"))));

        assertThat(controller.run().outcomes()).containsEntry("red/theirs", Outcome.REFUSED);
        assertThat(controller.run().outcomes()).containsEntry("red/theirs", Outcome.REFUSED);

        GenericKubernetesResource nad = nad("red", "theirs");
        assertThat(((Map<?, ?>) nad.getAdditionalProperties().get("spec")).get("config")).isEqualTo(foreign);
        assertThat(nad.getMetadata().getOwnerReferences()).isNullOrEmpty();
        List<Event> events = KubeFixtures.events(client, "red", NetworkConfig.KIND, "theirs");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo(NetworkConfigController.NOT_OWNED);
            assertThat(e.getMessage()).contains("red/theirs", "not owned by this NetworkConfig");
            assertThat(e.getSource().getHost()).isEqualTo("node-a");
        });
    }

    @Test
    void anInvalidNetworkConfigGetsNoNadButAnEventWithTheReason() {
        KubeFixtures.networkConfig(client, "grey", "bonded", macvlan(Map.of("master", List.of("eth1", "eth2"))));
        KubeFixtures.networkConfig(client, "grey", "sriov", Map.of("cniType", "sriov"));

        assertThat(controller.run().outcomes()).containsEntry("grey/bonded", Outcome.REFUSED)
                .containsEntry("grey/sriov", Outcome.REFUSED);

        assertThat(nad("grey", "bonded")).isNull();
        assertThat(nad("grey", "sriov")).isNull();
        assertThat(KubeFixtures.events(client, "grey", NetworkConfig.KIND, "bonded")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getReason()).isEqualTo(NetworkConfigController.INVALID);
                    assertThat(e.getMessage()).isEqualTo("NetworkConfig grey/bonded: spec.macvlan.master lists 2 "
                            + "links [\"eth1\",\"eth2\"]: Spiderpool bonds them, podnet does not; make the bond on "
                            + "the node and name it alone; no NetworkAttachmentDefinition is written");
                });
        assertThat(reasons("grey", "sriov")).containsExactly(NetworkConfigController.INVALID);
    }
}
