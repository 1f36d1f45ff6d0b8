package dev.podnet.store.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.store.RecordingListener;
import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** No API server where the kubeconfig points: every call fails at once as UNAVAILABLE, naming the server. */
class KubeStoreUnavailableTest {

    @Test
    void everyCallFailsFastAndNamesTheServer() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String url = "http://127.0.0.1:" + port;
        var client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(url)
                .withRequestTimeout(2000).withConnectionTimeout(2000).withRequestRetryBackoffLimit(0).build()).build();
        try (KubeStore store = KubeStore.builder(client, InstantSource.system()).open()) {
            byte[] v = "v".getBytes(StandardCharsets.UTF_8);
            Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
            calls.put("get", () -> store.get("/u/a"));
            calls.put("range", () -> store.range("/u/"));
            calls.put("put", () -> store.put("/u/b", v, 0));
            calls.put("createIfAbsent", () -> store.createIfAbsent("/u/c", v, 0));
            calls.put("putIfRevision", () -> store.putIfRevision("/u/a", v, 1, 0));
            calls.put("deleteIfRevision", () -> store.deleteIfRevision("/u/a", 1));
            calls.put("watch", () -> store.watch("/u/", 0, new RecordingListener()));
            calls.put("grantLease", () -> store.grantLease(Duration.ofSeconds(5)));
            calls.put("keepAlive", () -> store.keepAlive(7));
            calls.put("revokeLease", () -> store.revokeLease(7));
            calls.forEach((name, call) -> {
                long start = System.nanoTime();
                assertThatThrownBy(call).as(name).isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).as(name + ": " + e.getMessage()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).as(name).contains(url);
                });
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as(name + " failed fast")
                        .isLessThan(Duration.ofSeconds(3));
            });
        }
    }
}
