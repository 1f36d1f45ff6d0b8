package dev.podnet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How SDK failures become CloudExceptions, against a JDK HttpServer on 127.0.0.1 that answers every request with one
 * canned response (no emulator needed): by EC2's error code, never by message text.
 */
class AwsErrorMappingTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private AwsCloudNetwork answering(int status, String contentType, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return network(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    private static AwsCloudNetwork network(URI endpoint) {
        return AwsCloudNetwork.create(AwsSettings.builder().region("us-east-1").endpoint(endpoint)
                .staticCredentials("AKIDEXAMPLE", "secret").maxAttempts(1).build());
    }

    private static String ec2Error(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code + "</Code><Message>"
                + message + "</Message></Error></Errors><RequestID>5d8c2b3a-0000-4000-8000-000000000000</RequestID></Response>";
    }

    @Test
    void anEc2ErrorKeepsItsCodeAndMessage() throws IOException {
        try (AwsCloudNetwork network = answering(400, "text/xml;charset=UTF-8",
                ec2Error("InvalidSubnetID.NotFound", "The subnet ID 'subnet-1' does not exist"))) {

            assertThatThrownBy(() -> network.describeSubnets(List.of("subnet-1")))
                    .isInstanceOfSatisfying(CloudException.class, e -> {
                        assertThat(e.code()).isEqualTo("InvalidSubnetID.NotFound");
                        assertThat(e.error()).contains(Ec2Error.INVALID_SUBNET_ID_NOT_FOUND);
                        assertThat(e.getMessage()).isEqualTo(
                                "InvalidSubnetID.NotFound: The subnet ID 'subnet-1' does not exist");
                    });
        }
    }

    @Test
    void aCodePodnetDoesNotKnowIsKept() throws IOException {
        try (AwsCloudNetwork network = answering(400, "text/xml", ec2Error("UnauthorizedOperation", "not allowed"))) {

            assertThatThrownBy(() -> network.deleteNetworkInterface("eni-1"))
                    .isInstanceOfSatisfying(CloudException.class, e -> {
                        assertThat(e.code()).isEqualTo("UnauthorizedOperation");
                        assertThat(e.error()).isEmpty();
                        assertThat(e.retryable()).isFalse();
                    });
        }
    }

    @Test
    void aNonEc2AnswerGetsAnHttpCodeAndAServerErrorIsRetryable() throws IOException {
        try (AwsCloudNetwork network = answering(403, "text/html", "<html>Access Denied by proxy</html>")) {
            assertThatThrownBy(() -> network.describeSubnets(List.of()))
                    .isInstanceOfSatisfying(CloudException.class, e -> assertThat(e.code()).isEqualTo("Http403"))
                    .hasMessageContaining("HTTP 403 from " + network.endpoint());
        }
        server.stop(0);
        try (AwsCloudNetwork network = answering(502, "text/html", "<html>Bad Gateway</html>")) {
            assertThatThrownBy(() -> network.describeSubnets(List.of()))
                    .isInstanceOfSatisfying(CloudException.class, e -> assertThat(e.retryable()).isTrue());
        }
    }

    @Test
    void connectionRefusedIsUnavailableAndNamesTheEndpoint() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
        try (AwsCloudNetwork network = network(endpoint)) {

            assertThatThrownBy(() -> network.describeInstance("i-0000000000000000a"))
                    .isInstanceOfSatisfying(CloudException.class, e -> {
                        assertThat(e.is(Ec2Error.UNAVAILABLE)).isTrue();
                        assertThat(e.retryable()).isTrue();
                    })
                    .hasMessageContaining("cannot reach EC2 at " + endpoint);
        }
    }

    @Test
    void theDefaultEndpointIsTheRegionsAndNoProxyIsUsedUnlessConfigured() {
        try (AwsCloudNetwork network = AwsCloudNetwork.create(AwsSettings.builder().region("eu-west-1")
                .staticCredentials("AKIDEXAMPLE", "secret").build())) {

            assertThat(network.endpoint()).isEqualTo(URI.create("https://ec2.eu-west-1.amazonaws.com"));
            assertThat(network.proxy()).isEmpty();
        }
    }
}
