package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class KubeApiExceptionTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    @TempDir
    Path dir;

    @Test
    void aMissingObjectIsNoErrorAndAServerThatDoesNotAnswerIsOneNamingIt() throws Exception {
        try (KubernetesClient client = API.client()) {
            assertThat(KubeApiException.call(client, () -> client.pods().inNamespace("a").withName("b").get())).isNull();
        }
        Path file = API.kubeconfig(dir);
        Files.writeString(file, Files.readString(file).replace(API.url(), "http://127.0.0.1:9"));
        try (KubernetesClient down = KubeConnection.connect(Optional.of(file), Map.of()).orElseThrow()) {
            assertThatThrownBy(() -> KubeApiException.call(down, () -> down.pods().inNamespace("a").withName("b").get()))
                    .isInstanceOfSatisfying(KubeApiException.class, e -> {
                        assertThat(e.server()).isEqualTo("http://127.0.0.1:9");
                        assertThat(e.unavailable()).isTrue();
                        assertThat(e.getMessage()).isEqualTo(
                                "the Kubernetes API server at http://127.0.0.1:9 did not answer: cannot connect");
                    });
        }
        assertThat(new KubeApiException("https://k", 403, "forbidden", null).unavailable()).isFalse();
        assertThat(new KubeApiException("https://k", 503, "busy", null)).hasMessage(
                "the Kubernetes API server at https://k answered 503: busy").matches(KubeApiException::unavailable);
    }
}
