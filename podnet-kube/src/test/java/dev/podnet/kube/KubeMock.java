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
 *
 * <p>When the test class ends, every request podnet's code made ({@link #podnetClient()}'s) must be allowed by
 * podnet's rbac.yaml ({@link RbacCheck}): the mock authorizes nothing, a real API server answers 403.
 */
public final class KubeMock implements MockApiServer, BeforeAllCallback, AfterAllCallback {
    private KubernetesMockServer server;
    /** Every request the server took, oldest first; {@link #takeRequests()} hands out those after {@code taken}. */
    private final List<Recorded> recorded = new ArrayList<>();
    private int taken;

    /** One request as the server took it: "METHOD", "/path?query" and the client's User-Agent. */
    public record Recorded(String method, String path, String userAgent) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            RbacCheck.podnet().assertAllowed(podnetRequests());
        } finally {
            stop();
        }
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
    public synchronized List<String> takeRequests() {
        List<String> since = drain().subList(taken, recorded.size()).stream().map(Recorded::toString).toList();
        taken = recorded.size();
        return since;
    }

    /** Every request podnet's code made (with {@link #podnetClient()}) so far, as "METHOD PATH", oldest first. */
    public synchronized List<String> podnetRequests() {
        return drain().stream().filter(r -> PODNET_USER_AGENT.equals(r.userAgent())).map(Recorded::toString)
                .toList();
    }

    /** Every request the server took so far, oldest first. */
    synchronized List<Recorded> recordedRequests() {
        return List.copyOf(drain());
    }

    /** Every request the server took so far, oldest first: the server's queue drained into {@code recorded}. */
    private List<Recorded> drain() {
        try {
            for (RecordedRequest r = server.takeRequest(0, TimeUnit.SECONDS); r != null;
                    r = server.takeRequest(0, TimeUnit.SECONDS)) {
                recorded.add(new Recorded(r.getMethod(), r.getPath(), r.getHeader("User-Agent")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the recorded requests", e);
        }
        return recorded;
    }

    @Override
    public String url() {
        return server.url("/").replaceAll("/$", "");
    }
}
