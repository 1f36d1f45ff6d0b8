package dev.podnet.kube;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** fabric8's mock API server as tests use it, in this JVM ({@link KubeMock}) or another ({@link KubeMockProcess}). */
public interface MockApiServer {

    /** The server's base URL, http://127.0.0.1:PORT. */
    String url();

    /**
     * The User-Agent of {@link #podnetClient()}: the server records the test's own requests (fixtures, assertions)
     * beside podnet's, and only podnet's are held to its RBAC.
     */
    String PODNET_USER_AGENT = "podnet-under-test";

    /** A new client of the server for the test's own fixtures and assertions; close it after use. */
    default KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(config().build()).build();
    }

    /**
     * A new client for podnet's code under test, whose requests {@link KubeMock} checks against podnet's RBAC
     * ({@link RbacCheck}); close it after use.
     */
    default KubernetesClient podnetClient() {
        return new KubernetesClientBuilder().withConfig(config().withUserAgent(PODNET_USER_AGENT).build()).build();
    }

    private ConfigBuilder config() {
        return new ConfigBuilder().withMasterUrl(url()).withNamespace("default").withRequestTimeout(5_000)
                .withRequestRetryBackoffLimit(0);
    }

    /** A kubeconfig file pointing at the server, as {@code --kubeconfig} takes one. */
    default Path kubeconfig(Path dir) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s"}
                users:
                - name: podnet
                  user: {token: mock-token}
                contexts:
                - name: mock
                  context: {cluster: mock, user: podnet, namespace: default}
                current-context: mock
                """.formatted(url()));
    }
}
