package dev.podnet.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
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
 * patch and no server-side apply, and podnet uses none of them. It runs on vert.x 4: a module whose tests also load
 * jetcd (vert.x 5) uses {@link KubeMockProcess} instead.
 */
public final class KubeMock implements MockApiServer, BeforeAllCallback, AfterAllCallback {
    private KubernetesMockServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
    }

    void stop() {
        server.destroy();
    }

    @Override
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

    @Override
    public String url() {
        return server.url("/").replaceAll("/$", "");
    }
}
