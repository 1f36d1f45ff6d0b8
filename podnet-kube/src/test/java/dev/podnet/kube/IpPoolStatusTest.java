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

    @BeforeAll
    static void crd() throws Exception {
        try (KubernetesClient c = API.client()) {
            KubeFixtures.ipPoolCrd(c);
        }
    }

    @AfterEach
    void close() {
        client.close();
    }

    private Map<String, Object> status(String pool) {
        GenericKubernetesResource r = client.genericKubernetesResources(IpPools.RESOURCE).withName(pool).get();
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) r.getAdditionalProperties().get("status");
        return status;
    }

    @Test
    void setWritesBothCountsThroughTheStatusSubresourceAndLeavesTheSpecAlone() throws Exception {
        KubeFixtures.ipPool(client, "set-pool", Map.of("subnet", "10.1.0.0/24"));
        API.takeRequests();
        new IpPoolStatus(client).set("set-pool", 7, 253);
        // fabric8 reads the object before it patches; the write itself is the status subresource's, nothing else.
        assertThat(API.takeRequests()).filteredOn(r -> !r.startsWith("GET "))
                .containsExactly("PATCH /apis/podnet.dev/v1/ippools/set-pool/status");
        assertThat(status("set-pool")).containsEntry("allocatedIPCount", 7).containsEntry("totalIPCount", 253);
        IpPool read = IpPools.list(client).pools().stream().filter(p -> p.name().equals("set-pool")).findFirst()
                .orElseThrow();
        assertThat(read.subnet()).hasToString("10.1.0.0/24");
        assertThat(read.allocatedIPCount()).hasValue(7);
        assertThat(read.totalIPCount()).hasValue(253);
    }

    @Test
    void addKeepsTheTotalAndNeverGoesBelowZero() {
        KubeFixtures.ipPool(client, "add-pool", Map.of("subnet", "10.2.0.0/24"));
        IpPoolStatus status = new IpPoolStatus(client);
        status.set("add-pool", 2, 253);
        assertThat(status.add("add-pool", 3)).isEqualTo(5);
        assertThat(status.add("add-pool", -9)).isZero();
        assertThat(status("add-pool")).containsEntry("allocatedIPCount", 0).containsEntry("totalIPCount", 253);
    }

    @Test
    void tenConcurrentWritersLoseNoIncrement() throws Exception {
        KubeFixtures.ipPool(client, "busy", Map.of("subnet", "10.3.0.0/16"));
        IpPoolStatus status = new IpPoolStatus(client);
        status.set("busy", 0, 65533);
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 10; w++) {
                done.add(writers.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        status.add("busy", 1);
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
        IpPoolStatus status = new IpPoolStatus(client);
        assertThatThrownBy(() -> status.add("no-such-pool", 1)).isInstanceOf(KubeApiException.class)
                .hasMessageContaining("answered 404").hasMessageContaining("IPPool \"no-such-pool\" does not exist");
        assertThat(status.conflicts()).isZero();
        assertThatThrownBy(() -> status.set("no-such-pool", 1, 2)).isInstanceOf(KubeApiException.class)
                .hasMessageContaining("answered 404");
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
