package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.ipam.AddressUse;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AllocationRequest;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.PodRef;
import dev.podnet.ipam.Pool;
import dev.podnet.kube.KubeMock;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** GC from the API server, one round at a time, against fabric8's CRUD mock API server. */
class PodGcTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    @TempDir
    Path dir;
    KubernetesClient client;
    /** podnet's own client: its requests are held to podnet's RBAC. */
    KubernetesClient podnet;
    Ipam ipam;
    final AgentMetrics metrics = new AgentMetrics(List::of);

    @BeforeEach
    void open() {
        client = API.client();
        podnet = API.podnetClient();
        ipam = Ipam.open(dir.resolve("state"), List.of(Pool.of("default", IpRange.of("10.1.0.0/24"))),
                InstantSource.system(), IpamOptions.builder().quarantine(Duration.ofMinutes(5)).build());
    }

    @AfterEach
    void close() {
        ipam.close();
        client.close();
        podnet.close();
    }

    static Pod pod(String namespace, String name, Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withAnnotations(annotations)
                .endMetadata().build();
    }

    /** The pod as the API server created it, with the uid it chose. */
    PodRef create(String namespace, String name) {
        Pod created = client.pods().resource(pod(namespace, name, Map.of())).create();
        return new PodRef(namespace, name, created.getMetadata().getUid());
    }

    Allocation allocate(String container, Optional<PodRef> pod) {
        return ipam.allocate(AllocationRequest.of(AttachmentKey.of(container, "eth0"), "default").withPod(pod));
    }

    PodGc gc(KubernetesClient api) {
        return new PodGc(api, ipam::allocations, ipam::release, metrics);
    }

    @Test
    void releasesTheAddressOfADeletedPodAndOfAPodRecreatedUnderItsNameIntoQuarantine() throws Exception {
        PodRef deleted = create("shop", "cart-0");
        PodRef replaced = create("shop", "db-0");
        PodRef live = create("team-b", "web-0");
        Allocation a = allocate("c-deleted", Optional.of(deleted));
        Allocation b = allocate("c-replaced", Optional.of(replaced));
        allocate("c-live", Optional.of(live));
        allocate("c-no-pod", Optional.empty());
        client.pods().inNamespace("shop").withName("cart-0").delete();
        client.pods().inNamespace("shop").withName("db-0").delete();
        PodRef recreated = create("shop", "db-0");
        assertThat(recreated.uid()).isNotEqualTo(replaced.uid());
        API.takeRequests();

        PodGc.Round round = gc(podnet).run();

        assertThat(round.released()).extracting(Allocation::key).containsExactlyInAnyOrder(a.key(), b.key());
        assertThat(round.checked()).isEqualTo(3);
        assertThat(round.stoppedBy()).isEmpty();
        assertThat(ipam.allocations()).extracting(x -> x.key().containerId()).containsExactly("c-live", "c-no-pod");
        for (Allocation released : List.of(a, b)) {
            assertThat(ipam.use(released.addresses().getFirst().address())).isInstanceOf(AddressUse.Quarantined.class);
        }
        assertThat(metrics.scrape()).contains("podnet_pod_gc_releases_total{pool=\"default\",reason=\"deleted\"} 1.0",
                "podnet_pod_gc_releases_total{pool=\"default\",reason=\"replaced\"} 1.0");
        // One GET per pod by name, never a list: a pod a list would not show is still found alive.
        assertThat(API.takeRequests()).containsExactlyInAnyOrder("GET /api/v1/namespaces/shop/pods/cart-0",
                "GET /api/v1/namespaces/shop/pods/db-0", "GET /api/v1/namespaces/team-b/pods/web-0");
        assertThat(gc(podnet).run().released()).isEmpty();
    }

    @Test
    void aStaticPodIsKnownByItsMirrorPodsAnnotation() {
        // kubelet gives the runtime the static pod's own uid; the mirror pod in the API has another.
        client.pods().resource(pod("kube-system", "proxy-node-a", Map.of(PodGc.MIRROR_ANNOTATION, "static-9f1c"))).create();
        allocate("c-static", Optional.of(new PodRef("kube-system", "proxy-node-a", "static-9f1c")));

        assertThat(gc(podnet).run().released()).isEmpty();
        assertThat(ipam.allocations()).hasSize(1);
    }

    @Test
    void anApiServerThatDoesNotAnswerReleasesNothingAndEndsTheRound() throws Exception {
        PodRef gone = create("shop", "cart-1");
        client.pods().inNamespace("shop").withName("cart-1").delete();
        allocate("c1", Optional.of(gone));
        allocate("c2", Optional.of(new PodRef("shop", "cart-2", "u2")));
        Path kubeconfig = API.kubeconfig(dir);
        Files.writeString(kubeconfig, Files.readString(kubeconfig).replace(API.url(), "http://127.0.0.1:9"));

        try (KubernetesClient down = dev.podnet.kube.KubeConnection.connect(Optional.of(kubeconfig), Map.of()).orElseThrow()) {
            PodGc.Round round = gc(down).run();
            assertThat(round.released()).isEmpty();
            assertThat(round.checked()).isZero();
            assertThat(round.stoppedBy()).hasValueSatisfying(e ->
                    assertThat(e.getMessage()).startsWith("the Kubernetes API server at http://127.0.0.1:9 did not answer"));
        }
        assertThat(ipam.allocations()).hasSize(2);
        assertThat(metrics.scrape()).contains("podnet_pod_gc_read_failures_total 1.0");
        // The server answers again: the next round finds the deleted pod.
        assertThat(gc(podnet).run().released()).extracting(x -> x.key().containerId()).containsExactly("c1", "c2");
    }
}
