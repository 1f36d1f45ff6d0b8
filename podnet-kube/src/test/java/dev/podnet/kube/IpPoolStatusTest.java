package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An IPPool's counts written through its status subresource on fabric8's CRUD mock, by many writers at once. */
class IpPoolStatusTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    private final KubernetesClient client = API.client();
    /** podnet's own client: its requests are held to podnet's RBAC. */
    private final KubernetesClient podnet = API.podnetClient();

    @BeforeAll
    static void crd() throws Exception {
        try (KubernetesClient c = API.client()) {
            KubeFixtures.ipPoolCrd(c);
        }
    }

    @AfterEach
    void close() {
        client.close();
        podnet.close();
    }

    private Map<String, Object> status(String pool) {
        GenericKubernetesResource r = client.genericKubernetesResources(IpPools.RESOURCE).withName(pool).get();
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) r.getAdditionalProperties().get("status");
        return status;
    }

    @Test
    void eachNodeWritesItsShareThroughTheStatusSubresourceAndTheSumIsTheCount() throws Exception {
        KubeFixtures.ipPool(client, "shared", Map.of("subnet", "10.1.0.0/24"));
        IpPoolStatus status = new IpPoolStatus(podnet);
        API.takeRequests();
        assertThat(status.setNode("shared", "node-a", 7, 253, n -> false)).isEqualTo(7);
        assertThat(API.takeRequests()).filteredOn(r -> !r.startsWith("GET "))
                .containsExactly("PATCH /apis/podnet.dev/v1/ippools/shared/status");
        assertThat(status.setNode("shared", "node-b", 2, 253, n -> false)).isEqualTo(9);
        // A restarted node counts again: its share is replaced, not added.
        assertThat(status.setNode("shared", "node-a", 7, 253, n -> false)).isEqualTo(9);
        assertThat(status("shared")).containsEntry("allocatedIPCount", 9).containsEntry("totalIPCount", 253)
                .containsEntry(IpPoolStatus.NODES, Map.of("node-a", 7, "node-b", 2));
        assertThat(status.setNode("shared", "node-b", 0, 253, n -> false)).isEqualTo(7);
        assertThat(status("shared")).containsEntry(IpPoolStatus.NODES, Map.of("node-a", 7, "node-b", 0));
        // node-a has left the cluster: the next write zeroes its share.
        assertThat(status.setNode("shared", "node-b", 1, 253, "node-a"::equals)).isEqualTo(1);
        assertThat(status("shared")).containsEntry(IpPoolStatus.NODES, Map.of("node-a", 0, "node-b", 1));
        status.setNode("shared", "node-a", 7, 253, n -> false);
        IpPool read = IpPools.list(podnet).pools().stream().filter(p -> p.name().equals("shared")).findFirst()
                .orElseThrow();
        assertThat(read.subnet()).hasToString("10.1.0.0/24");
        assertThat(read.allocatedIPCount()).hasValue(8);
        assertThat(read.totalIPCount()).hasValue(253);
    }

    @Test
    void tenConcurrentWritersLoseNoShare() throws Exception {
        KubeFixtures.ipPool(client, "busy", Map.of("subnet", "10.3.0.0/16"));
        IpPoolStatus status = new IpPoolStatus(podnet);
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 10; w++) {
                String node = "node-" + w;
                done.add(writers.submit(() -> {
                    for (int i = 1; i <= 20; i++) {
                        status.setNode("busy", node, i, 65533, n -> false);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(status("busy")).containsEntry("allocatedIPCount", 200).containsEntry("totalIPCount", 65533);
        assertThat(status.conflicts()).as("writers met each other's writes and read again").isPositive();
    }

    @Test
    void aMissingPoolIsAnErrorNotRetried() {
        IpPoolStatus status = new IpPoolStatus(podnet);
        assertThatThrownBy(() -> status.setNode("no-such-pool", "node-a", 1, 2, n -> false)).isInstanceOf(KubeApiException.class)
                .hasMessageContaining("answered 404").hasMessageContaining("IPPool \"no-such-pool\" does not exist");
        assertThat(status.conflicts()).isZero();
    }

    @Test
    void onlyAConflictIsRetriedAndEachRetryBacksOff() {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> pauses = new ArrayList<>();
        AtomicInteger conflicts = new AtomicInteger();
        assertThatThrownBy(() -> ConflictRetry.retried(5, pauses::add, conflicts::incrementAndGet, () -> {
            calls.incrementAndGet();
            throw new KubeApiException("http://api", 500, "boom", null);
        })).hasMessageContaining("answered 500");
        assertThat(calls).hasValue(1);
        assertThat(pauses).isEmpty();

        calls.set(0);
        String done = ConflictRetry.retried(5, pauses::add, conflicts::incrementAndGet, () -> {
            if (calls.incrementAndGet() < 4) {
                throw new KubeApiException("http://api", 409, "conflict", null);
            }
            return "done";
        });
        assertThat(done).isEqualTo("done");
        assertThat(pauses).containsExactly(1, 2, 3);
        assertThat(conflicts).hasValue(3);

        calls.set(0);
        assertThatThrownBy(() -> ConflictRetry.retried(5, attempt -> { }, () -> { }, () -> {
            calls.incrementAndGet();
            throw new KubeApiException("http://api", 409, "conflict", null);
        })).hasMessageContaining("answered 409");
        assertThat(calls).as("at most the attempts").hasValue(5);
    }
}
