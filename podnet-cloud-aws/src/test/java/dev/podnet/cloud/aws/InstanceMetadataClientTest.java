package dev.podnet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IMDSv2 against a JDK HttpServer on 127.0.0.1 that, like IMDS, refuses reads without a valid session token. */
class InstanceMetadataClientTest {

    private static final String TOKEN = "AQAEAtoken==";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Map<String, String> metadata = Map.of(
            "/latest/meta-data/instance-id", "i-0123456789abcdef0",
            "/latest/meta-data/placement/region", "eu-west-1",
            "/latest/meta-data/placement/availability-zone", "eu-west-1b");
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        requests.add(method + " " + path);
        if (path.equals("/slow/latest/api/token")) {
            awaitRelease();
        }
        if (method.equals("PUT") && path.endsWith("/latest/api/token")) {
            String ttl = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
            if (ttl == null || !ttl.matches("\\d+")) {
                reply(exchange, 400, "");
            } else {
                reply(exchange, 200, TOKEN);
            }
            return;
        }
        String value = metadata.get(path.replaceFirst("^/wrong-token", ""));
        String token = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token");
        if (!method.equals("GET") || !TOKEN.equals(path.startsWith("/wrong-token") ? "other" : token)) {
            reply(exchange, 401, "");
        } else if (value == null) {
            reply(exchange, 404, "Not Found");
        } else {
            reply(exchange, 200, value);
        }
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private URI base(String prefix) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix);
    }

    @Test
    void readsTheIdentityWithASessionToken() {
        InstanceIdentity identity = InstanceIdentity.fetch(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", base("/").toString()));

        assertThat(identity).isEqualTo(new InstanceIdentity("i-0123456789abcdef0", "eu-west-1", "eu-west-1b"));
        assertThat(requests).containsExactly("PUT /latest/api/token", "GET /latest/meta-data/instance-id",
                "GET /latest/meta-data/placement/region", "GET /latest/meta-data/placement/availability-zone");
    }

    @Test
    void aRejectedTokenIsAnErrorNamingThePathAndStatus() {
        var client = new InstanceMetadataClient(base("/wrong-token"), TIMEOUT);

        assertThatThrownBy(client::identity)
                .isInstanceOfSatisfying(CloudException.class, e -> assertThat(e.code()).isEqualTo("InstanceMetadataError"))
                .hasMessageContaining("/latest/meta-data/instance-id")
                .hasMessageContaining("HTTP 401");
    }

    @Test
    void aMissingValueIsAnError() {
        var client = new InstanceMetadataClient(base("/nothing-here"), TIMEOUT);

        assertThatThrownBy(client::identity).isInstanceOf(CloudException.class).hasMessageContaining("HTTP 404");
    }

    @Test
    void anUnreachableServiceIsUnavailableAndNamesTheEndpoint() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
        var client = new InstanceMetadataClient(endpoint, TIMEOUT);

        assertThatThrownBy(client::identity)
                .isInstanceOfSatisfying(CloudException.class, e -> assertThat(e.is(Ec2Error.UNAVAILABLE)).isTrue())
                .hasMessageContaining("instance metadata service at " + endpoint + " is unreachable")
                .hasMessageContaining("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    }

    @Test
    void aServiceThatDoesNotAnswerTimesOut() {
        var client = new InstanceMetadataClient(base("/slow"), Duration.ofMillis(300));

        assertThatThrownBy(client::identity)
                .isInstanceOfSatisfying(CloudException.class, e -> assertThat(e.is(Ec2Error.UNAVAILABLE)).isTrue())
                .hasMessageContaining("no answer within 300 ms");
    }

    @Test
    void theEndpointComesFromTheSdksVariables() {
        assertThat(InstanceMetadataClient.endpoint(Map.of())).isEqualTo(URI.create("http://169.254.169.254"));
        assertThat(InstanceMetadataClient.endpoint(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")))
                .isEqualTo(URI.create("http://[fd00:ec2::254]"));
        assertThat(InstanceMetadataClient.endpoint(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/")))
                .isEqualTo(URI.create("http://127.0.0.1:1338"));
        assertThatThrownBy(() -> InstanceMetadataClient.endpoint(Map.of("AWS_EC2_METADATA_DISABLED", "true")))
                .isInstanceOf(CloudException.class)
                .hasMessageContaining("AWS_EC2_METADATA_DISABLED");
    }
}
