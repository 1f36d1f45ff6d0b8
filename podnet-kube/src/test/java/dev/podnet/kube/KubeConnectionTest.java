package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.InvalidInputException;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class KubeConnectionTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    @TempDir
    Path dir;

    @Test
    void aKubeconfigFileFromTheFlagOrKubeconfigReachesTheServer() throws Exception {
        try (KubernetesClient admin = API.client()) {
            admin.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build()).create();
        }
        Path file = API.kubeconfig(dir);
        for (var client : new KubernetesClient[] {
                KubeConnection.connect(Optional.of(file), Map.of()).orElseThrow(),
                KubeConnection.connect(Optional.empty(), Map.of("KUBECONFIG", file.toString())).orElseThrow()}) {
            try (client) {
                assertThat(client.nodes().withName("node-a").get().getMetadata().getName()).isEqualTo("node-a");
            }
        }
    }

    @Test
    void withoutAnyHintThereIsNoApiServerAndABadFileIsAClearError() throws Exception {
        assertThat(KubeConnection.connect(Optional.empty(), Map.of())).isEmpty();
        Path bad = Files.writeString(dir.resolve("bad"), "clusters: [");
        assertThatThrownBy(() -> KubeConnection.connect(Optional.of(bad), Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("kubeconfig " + bad);
        assertThatThrownBy(() -> KubeConnection.connect(Optional.of(dir.resolve("missing")), Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("missing");
    }

    @Test
    void anUnreachableServerFailsWithinTheRequestTimeout() throws Exception {
        Path file = API.kubeconfig(dir);
        Files.writeString(file, Files.readString(file).replace(API.url(), "http://127.0.0.1:9")); // discard port
        try (KubernetesClient client = KubeConnection.connect(Optional.of(file), Map.of()).orElseThrow()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.nodes().withName("node-a").get())
                    .isInstanceOf(KubernetesClientException.class);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(KubeConnection.REQUEST_TIMEOUT_MS * 2L);
        }
    }

    @Test
    void theNodeNameComesFromTheFlagThenMyNodeNameThenTheHost() {
        assertThat(KubeConnection.nodeName(Optional.of("a"), Map.of("MY_NODE_NAME", "b"))).isEqualTo("a");
        assertThat(KubeConnection.nodeName(Optional.empty(), Map.of("MY_NODE_NAME", "b"))).isEqualTo("b");
        assertThat(KubeConnection.nodeName(Optional.empty(), Map.of())).isNotBlank();
    }
}
