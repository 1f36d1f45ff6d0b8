package dev.podnet.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * fabric8's mock API server in CRUD mode on a random loopback port, one per test class (register it as a static
 * {@code @RegisterExtension} field). CRUD mode keeps objects, enforces resourceVersion on update (409 Conflict) and
 * serves watches; unlike a real API server it has no field selectors but {@code metadata.name}, no strategic-merge
 * patch and no server-side apply, and podnet uses none of them.
 */
public final class KubeMock implements BeforeAllCallback, AfterAllCallback {
    private KubernetesMockServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.destroy();
    }

    /** A new client of the mock server; close it after use. */
    public KubernetesClient client() {
        return server.createClient();
    }

    /** The requests the server took since the last call, as "METHOD PATH", oldest first. */
    public List<String> takeRequests() throws InterruptedException {
        List<String> taken = new ArrayList<>();
        for (RecordedRequest r = server.takeRequest(0, TimeUnit.SECONDS); r != null;
                r = server.takeRequest(0, TimeUnit.SECONDS)) {
            taken.add(r.getMethod() + " " + r.getPath());
        }
        return taken;
    }

    /** The server's base URL, http://127.0.0.1:PORT. */
    public String url() {
        return server.url("/").replaceAll("/$", "");
    }

    /** A kubeconfig file pointing at the mock server, as {@code --kubeconfig} takes one. */
    public Path kubeconfig(Path dir) throws IOException {
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
