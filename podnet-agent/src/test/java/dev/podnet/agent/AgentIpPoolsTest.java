package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import dev.podnet.kube.IpPools;
import dev.podnet.kube.KubeMock;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pods get addresses from the IPPools their annotations, namespace or network name, served by the node's agent. */
class AgentIpPoolsTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    @TempDir
    Path dir;
    KubernetesClient client;
    /** podnet's own client: its requests are held to podnet's RBAC. */
    KubernetesClient podnet;
    AgentConfig config;
    Agent agent;

    @BeforeEach
    void start() throws Exception {
        client = API.client();
        podnet = API.podnetClient();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a")
                .withLabels(Map.of("disk", "ssd")).endMetadata().build()).createOr(op -> op.update());
        pool("blue", """
                ipVersion: 4
                subnet: 10.9.0.0/24
                ips: [10.9.0.10-10.9.0.12]
                nodeName: [node-a]""", Map.of());
        pool("blue6", """
                subnet: fd00:9::/64
                ips: ["fd00:9::10-fd00:9::20"]
                nodeName: [node-a]""", Map.of());
        pool("remote", """
                subnet: 10.10.0.0/24
                nodeName: [node-b]""", Map.of());
        pool("slot-a-v4", """
                subnet: 100.64.0.0/24
                ips: [100.64.0.16/28]
                nodeName: [node-a]""", Map.of("podnet.dev/pool", "underlay"));
        config = new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"), Optional.empty(), Optional.empty(),
                List.of(AgentConfig.parsePool("default=10.7.0.0/24")), Duration.ZERO)
                .withKube(Optional.of(new KubeApi(podnet, "node-a", Duration.ofHours(1))
                        .withIpPoolInterval(Duration.ofMillis(200))));
        agent = Agent.start(config, InstantSource.system());
    }

    @AfterEach
    void stop() {
        agent.close();
        client.genericKubernetesResources(IpPools.RESOURCE).delete();
        client.pods().inAnyNamespace().delete();
        client.close();
        podnet.close();
    }

    private void pool(String name, String spec, Map<String, String> labels) {
        String yaml = "apiVersion: podnet.dev/v1\nkind: IPPool\nmetadata:\n  name: " + name + "\nspec:\n  "
                + spec.replace("\n", "\n  ");
        GenericKubernetesResource r = client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
        r.getMetadata().setLabels(labels);
        client.genericKubernetesResources(IpPools.RESOURCE).resource(r).createOr(op -> op.update());
    }

    private String pod(String namespace, String name, Map<String, String> annotations) {
        return client.pods().resource(new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .withAnnotations(annotations).endMetadata().build()).create().getMetadata().getUid();
    }

    private AgentReply add(String container, String network, String namespace, String name, String uid)
            throws Exception {
        return AgentTest.ask(config.socket(), AgentRequest.add(container, "eth0", "/n", network, List.of(),
                Map.of("K8S_POD_NAMESPACE", namespace, "K8S_POD_NAME", name, "K8S_POD_UID", uid)));
    }

    private static List<String> addresses(AgentReply reply) {
        assertThat(reply).isInstanceOf(AgentReply.Success.class);
        return ((AgentReply.Success) reply).result().ips().stream().map(ip -> ip.address()).toList();
    }

    @Test
    void aPodAnnotationChoosesOneIpv4AndOneIpv6PoolAndTheirCountsReachTheStatus() throws Exception {
        String uid = pod("shop", "web-0", Map.of("podnet.dev/ippool", "{\"ipv4\":[\"blue\"],\"ipv6\":[\"blue6\"]}"));
        assertThat(addresses(add("c1", "default", "shop", "web-0", uid)))
                .containsExactly("10.9.0.10/24", "fd00:9::10/64");
        var blue = client.genericKubernetesResources(IpPools.RESOURCE).withName("blue");
        await("the status of pool blue counts the address", () -> blue.get().getAdditionalProperties()
                .get("status") instanceof Map<?, ?> s && Integer.valueOf(1).equals(s.get("allocatedIPCount"))
                && Integer.valueOf(3).equals(s.get("totalIPCount")));
        assertThat(((AgentReply.Status) AgentTest.ask(config.socket(), AgentRequest.status())).allocations())
                .extracting(AgentReply.Allocation::pool).containsExactly("default", "default");
    }

    @Test
    void withoutAnnotationsTheNetworksOwnPoolServesAndAGroupNameServesTheNodesPoolOfThatGroup() throws Exception {
        String plain = pod("shop", "plain", Map.of());
        assertThat(addresses(add("c1", "default", "shop", "plain", plain))).containsExactly("10.7.0.2/24");
        String under = pod("shop", "under", Map.of());
        assertThat(addresses(add("c2", "underlay", "shop", "under", under))).containsExactly("100.64.0.16/24");
    }

    @Test
    void theNamespacesDefaultPoolComesBeforeTheNetworksPool() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("blue-team")
                .withAnnotations(Map.of("podnet.dev/default-ipv4-ippool", "[\"blue\"]")).endMetadata().build())
                .createOr(op -> op.update());
        String uid = pod("blue-team", "api", Map.of());
        assertThat(addresses(add("c1", "default", "blue-team", "api", uid))).containsExactly("10.9.0.10/24");
    }

    @Test
    void aFixedAddressIsGivenAndRefusedToAnotherPodNamingTheHolder() throws Exception {
        String first = pod("shop", "db-0", Map.of("podnet.dev/ippool", "{\"ipv4\":[\"blue\"]}",
                "podnet.dev/ip", "10.9.0.12"));
        assertThat(addresses(add("c1", "default", "shop", "db-0", first))).containsExactly("10.9.0.12/24");
        String second = pod("shop", "db-1", Map.of("podnet.dev/ippool", "{\"ipv4\":[\"blue\"]}",
                "podnet.dev/ip", "10.9.0.12"));
        AgentReply refused = add("c2", "default", "shop", "db-1", second);
        assertThat(refused).isInstanceOf(AgentReply.Failure.class);
        assertThat(((AgentReply.Failure) refused).details())
                .contains("requested address 10.9.0.12 is held by pod shop/db-0 (container c1/eth0)");
        String bad = pod("shop", "db-2", Map.of("podnet.dev/ip", "10.9.0.300"));
        assertThat(add("c3", "default", "shop", "db-2", bad)).isInstanceOfSatisfying(AgentReply.Failure.class, f ->
                assertThat(f.details()).contains("annotation podnet.dev/ip \"10.9.0.300\" is not one address"));
    }

    @Test
    void aPoolServedByAnotherNodeIsRefusedWithTheReasonAndNothingIsAllocated() throws Exception {
        String uid = pod("shop", "far", Map.of("podnet.dev/ippool", "{\"ipv4\":[\"remote\"]}"));
        AgentReply reply = add("c1", "default", "shop", "far", uid);
        assertThat(reply).isInstanceOfSatisfying(AgentReply.Failure.class, f -> {
            assertThat(f.code()).isEqualTo(CniException.INVALID_NETWORK_CONFIG);
            assertThat(f.details()).contains("remote", "node-b");
        });
        String missing = pod("shop", "lost", Map.of("podnet.dev/ippool", "{\"ipv4\":[\"no-such-pool\"]}"));
        assertThat(add("c2", "default", "shop", "lost", missing)).isInstanceOfSatisfying(AgentReply.Failure.class,
                f -> assertThat(f.details()).contains("no-such-pool"));
        assertThat(((AgentReply.Status) AgentTest.ask(config.socket(), AgentRequest.status())).allocations()).isEmpty();
    }

    @Test
    void aPoolCreatedAfterTheAgentStartedServesAtOnce() throws Exception {
        pool("green", """
                subnet: 10.11.0.0/24
                ips: [10.11.0.5]
                nodeName: [node-a]""", Map.of());
        String uid = pod("shop", "new", Map.of("podnet.dev/ippool", "{\"ipv4\":[\"green\"]}"));
        assertThat(addresses(add("c1", "default", "shop", "new", uid))).containsExactly("10.11.0.5/24");
    }

    @Test
    void aPoolSharedByNodesIsServedFromBlocksEachNodeCountingItsShare() throws Exception {
        pool("wide", """
                subnet: 100.64.0.0/10
                excludeIPs: [100.64.0.0-100.64.0.255]""", Map.of("podnet.dev/pool", "wide-net"));
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-b").endMetadata().build())
                .createOr(op -> op.update());
        AgentConfig b = new AgentConfig(dir.resolve("b.sock"), dir.resolve("b-state"), Optional.empty(),
                Optional.empty(), List.of(AgentConfig.parsePool("default=10.8.0.0/24")), Duration.ZERO)
                .withKube(Optional.of(new KubeApi(podnet, "node-b", Duration.ofHours(1))
                        .withIpPoolInterval(Duration.ofMillis(200))));
        try (Agent agentB = Agent.start(b, InstantSource.system())) {
            String onA = addresses(add("c1", "wide-net", "shop", "a1", pod("shop", "a1", Map.of()))).getFirst();
            String onA2 = addresses(add("c2", "wide-net", "shop", "a2", pod("shop", "a2", Map.of()))).getFirst();
            String onB = addresses(AgentTest.ask(b.socket(), AgentRequest.add("c3", "eth0", "/n", "wide-net",
                    List.of(), Map.of("K8S_POD_NAMESPACE", "shop", "K8S_POD_NAME", "b1", "K8S_POD_UID",
                            pod("shop", "b1", Map.of()))))).getFirst();
            // Outside the excluded first /24, and each node in a /26 block of its own.
            for (String a : List.of(onA, onA2, onB)) {
                assertThat(a).endsWith("/10").doesNotStartWith("100.64.0.");
                assertThat(block(a)).isBetween(block("100.64.0.0/10"), block("100.127.255.255/10"));
            }
            assertThat(block(onA)).isEqualTo(block(onA2)).isNotEqualTo(block(onB));
            var wide = client.genericKubernetesResources(IpPools.RESOURCE).withName("wide");
            await("both nodes' shares reach the status", () -> wide.get().getAdditionalProperties()
                    .get("status") instanceof Map<?, ?> s && Integer.valueOf(3).equals(s.get("allocatedIPCount"))
                    && Map.of("node-a", 2, "node-b", 1).equals(s.get("nodeAllocatedIPCount")));
            assertThat(AgentTest.ask(config.socket(), AgentRequest.del("c1", "eth0", "/n", "wide-net", Map.of())))
                    .isInstanceOf(AgentReply.Success.class);
            await("node-a's share drops to one", () -> wide.get().getAdditionalProperties()
                    .get("status") instanceof Map<?, ?> s && Integer.valueOf(2).equals(s.get("allocatedIPCount")));
        }
    }

    /** The /26 block an address of a /10 pool falls in. */
    private static long block(String cidr) {
        String[] o = cidr.substring(0, cidr.indexOf('/')).split("\\.");
        long v = 0;
        for (String part : o) {
            v = v * 256 + Long.parseLong(part);
        }
        return v >> 6;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
