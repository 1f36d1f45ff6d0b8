package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.PodRef;
import dev.podnet.ipam.Pool;
import dev.podnet.kube.KubeApiException;
import dev.podnet.kube.KubeConnection;
import dev.podnet.kube.KubeFixtures;
import dev.podnet.kube.KubeMock;
import dev.podnet.kube.NetworkConfigController;
import dev.podnet.linux.NetNamespace;
import inet.ipaddr.IPAddress;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The agent with an API server: what survives its absence, and what it finds at start. */
class AgentKubeTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    @TempDir
    Path dir;

    private AgentConfig config(KubernetesClient client) {
        return new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"), Optional.of("127.0.0.1:0"),
                Optional.empty(), List.of(AgentConfig.parsePool("default=10.7.0.0/24")), Duration.ofSeconds(30))
                .withKube(Optional.of(new KubeApi(client, "node-a", Duration.ofHours(1))));
    }

    private static Map<String, String> podArgs(String name, String uid) {
        return Map.of("K8S_POD_NAMESPACE", "shop", "K8S_POD_NAME", name, "K8S_POD_UID", uid);
    }

    private static AgentReply add(AgentConfig config, String container, Map<String, String> args) throws Exception {
        AgentReply reply = AgentTest.ask(config.socket(), AgentRequest.add(container, "eth0", "/n", null, List.of(), args));
        assertThat(reply).isInstanceOf(AgentReply.Success.class);
        return reply;
    }

    private static List<AgentReply.Allocation> allocations(AgentConfig config) throws Exception {
        return ((AgentReply.Status) AgentTest.ask(config.socket(), AgentRequest.status())).allocations();
    }

    private static String metrics(Agent agent) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + agent.httpPorts().getFirst() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private interface Check {
        boolean test() throws Exception;
    }

    private static BooleanSupplier unchecked(Check check) {
        return () -> {
            try {
                return check.test();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    @Test
    void withNetworkConfigsTheAgentWritesTheirNadsAtStart() throws Exception {
        try (KubernetesClient client = API.client(); KubernetesClient podnet = API.podnetClient()) {
            KubeFixtures.networkConfig(client, "lab", "macvlan-7", Map.of("cniType", "macvlan",
                    "macvlan", Map.of("master", List.of("eth1"), "vlanID", 7)));
            AgentConfig config = config(podnet);
            config = config.withKube(config.kube().map(k -> k.withNetworkConfigs(Duration.ofHours(1))));
            var nad = client.genericKubernetesResources(NetworkConfigController.NADS).inNamespace("lab")
                    .withName("macvlan-7");
            try (Agent agent = Agent.start(config, InstantSource.system())) {
                await("the start round writes the NAD", () -> nad.get() != null);
                assertThat(nad.get().getAdditionalProperties().get("spec").toString())
                        .contains("\"type\":\"macvlan\",\"master\":\"eth1.7\"", "\"type\":\"podnet-ipam\"");
            }
        }
    }

    @Test
    void aPodDeletedWhileTheAgentWasStoppedIsReleasedAtStart() throws Exception {
        try (KubernetesClient client = API.client(); KubernetesClient podnet = API.podnetClient()) {
            String goneUid = client.pods().resource(new PodBuilder().withNewMetadata().withNamespace("shop")
                    .withName("cart-0").endMetadata().build()).create().getMetadata().getUid();
            String liveUid = client.pods().resource(new PodBuilder().withNewMetadata().withNamespace("shop")
                    .withName("web-0").endMetadata().build()).create().getMetadata().getUid();
            AgentConfig config = config(podnet);
            try (Agent agent = Agent.start(config, InstantSource.system())) {
                add(config, "c-gone", podArgs("cart-0", goneUid));
                add(config, "c-live", podArgs("web-0", liveUid));
            }
            client.pods().inNamespace("shop").withName("cart-0").delete();

            try (Agent agent = Agent.start(config, InstantSource.system())) {
                await("the start round releases cart-0's address", unchecked(() -> allocations(config).size() == 1));
                assertThat(allocations(config)).singleElement().satisfies(a -> {
                    assertThat(a.containerId()).isEqualTo("c-live");
                    assertThat(a.pod()).isEqualTo(new AgentReply.Pod("shop", "web-0", liveUid));
                });
                assertThat(metrics(agent)).contains("podnet_pod_gc_releases_total{pool=\"default\",reason=\"deleted\"} 1.0",
                        "podnet_ipam_addresses{pool=\"default\",state=\"quarantined\"} 1.0");
            }
        }
    }

    @Test
    void withTheApiServerDownTheAgentStartsFromItsJournalServesLocalPoolsAndReleasesNothing() throws Exception {
        Path kubeconfig = API.kubeconfig(dir);
        Files.writeString(kubeconfig, Files.readString(kubeconfig).replace(API.url(), "http://127.0.0.1:9"));
        try (KubernetesClient down = KubeConnection.connect(Optional.of(kubeconfig), Map.of()).orElseThrow()) {
            AgentConfig config = config(down);
            try (Agent agent = Agent.start(config, InstantSource.system())) {
                add(config, "c1", podArgs("gone-1", "u1"));
            }
            try (Agent agent = Agent.start(config, InstantSource.system())) {
                add(config, "c2", podArgs("gone-2", "u2"));
                await("a GC round found the server down", unchecked(() ->
                        metrics(agent).contains("podnet_pod_gc_read_failures_total 1.0")));
                assertThat(allocations(config)).extracting(AgentReply.Allocation::containerId).containsExactly("c1", "c2");
                assertThat(allocations(config)).extracting(a -> a.pod().name()).containsExactly("gone-1", "gone-2");
            }
        }
    }

    @Test
    void anAddThatNeedsTheApiServerWhileItIsDownIsTryAgainLaterNamingTheServer() {
        KubeApiException down = new KubeApiException("https://10.100.0.1:443", 0, "connect timed out", null);
        FedPool needsApi = new FedPool() {
            public Allocation allocate(AttachmentKey key, List<IPAddress> requested, Optional<PodRef> pod) {
                throw down;
            }

            public Optional<Allocation> release(AttachmentKey key) {
                return Optional.empty();
            }

            public List<Allocation> gc(Set<AttachmentKey> valid) {
                return List.of();
            }

            public AgentReply.PoolStatus counts(String name) {
                return new AgentReply.PoolStatus(name, 0, 0, 0, 0);
            }
        };
        AgentMetrics metrics = new AgentMetrics(List::of);
        try (Ipam ipam = Ipam.open(dir, List.of(Pool.of("vpc", IpRange.of("10.8.0.0/24"))), InstantSource.system(),
                IpamOptions.defaults())) {
            AgentService service = new AgentService(ipam, List.of("vpc"), metrics, Map.of("vpc", needsApi), Map.of(),
                    NetNamespace.current(), null);
            AgentReply reply = service.answer(AgentRequest.add("c1", "eth0", "/n", null, List.of(), Map.of()));
            assertThat(reply).isEqualTo(new AgentReply.Failure(CniException.TRY_AGAIN_LATER,
                    "Kubernetes API server unavailable",
                    "the Kubernetes API server at https://10.100.0.1:443 did not answer: connect timed out"));
            assertThat(ipam.allocations()).isEmpty();
            assertThat(metrics.scrape()).contains("podnet_ipam_allocation_failures_total{pool=\"vpc\",reason=\"api_server\"} 1.0");
        }
    }
}
