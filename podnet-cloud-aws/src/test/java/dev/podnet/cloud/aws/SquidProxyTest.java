package dev.podnet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.vpcsim.Ec2QueryServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The adapter through a real Squid, configured only by environment variables as a node would be: HTTP_PROXY carries
 * the calls to an http endpoint, NO_PROXY bypasses it, and HTTPS_PROXY is not used for an http endpoint (curl).
 */
@Tag("squid")
@ExtendWith(SquidExtension.class)
class SquidProxyTest {

    private static final Duration LOG_WAIT = Duration.ofSeconds(10);

    private Ec2QueryServer server;

    @BeforeEach
    void startEmulator() throws IOException {
        server = Ec2QueryServer.start(VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build(),
                Ec2QueryServer.Options.loopback(0));
    }

    @AfterEach
    void stopEmulator() {
        server.close();
    }

    private AwsCloudNetwork network(Map<String, String> proxyVariables) {
        Map<String, String> env = new HashMap<>(proxyVariables);
        env.putAll(Map.of("AWS_REGION", DefaultWorld.REGION, "AWS_ENDPOINT_URL_EC2", server.endpoint(),
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI", "AWS_MAX_ATTEMPTS", "1"));
        return AwsCloudNetwork.create(AwsSettings.fromEnvironment(env).build());
    }

    @Test
    void httpProxyCarriesTheCalls(Squid squid) throws Exception {
        try (AwsCloudNetwork network = network(Map.of("HTTP_PROXY", squid.url().toString()))) {
            assertThat(network.proxy()).contains(squid.url());

            assertThat(network.describeInstance(DefaultWorld.INSTANCE_M5_LARGE).id())
                    .isEqualTo(DefaultWorld.INSTANCE_M5_LARGE);
        }

        assertThat(squid.awaitLogLine(l -> l.contains(" POST " + server.endpoint() + "/ "), LOG_WAIT))
                .as("a POST to the emulator in squid's access log:\n%s", squid.accessLogLines())
                .isPresent();
    }

    @Test
    void noProxyBypassesTheProxy(Squid squid) throws Exception {
        try (AwsCloudNetwork network = network(Map.of("HTTP_PROXY", squid.url().toString(), "NO_PROXY", "127.0.0.1"))) {
            assertThat(network.proxy()).isEmpty();

            assertThat(network.describeInstance(DefaultWorld.INSTANCE_M5_LARGE).id())
                    .isEqualTo(DefaultWorld.INSTANCE_M5_LARGE);
        }

        assertThat(logAfterAControlRequest(squid)).noneMatch(l -> l.contains(" POST "));
    }

    @Test
    void httpsProxyIsNotUsedForAnHttpEndpoint(Squid squid) throws Exception {
        try (AwsCloudNetwork network = network(Map.of("HTTPS_PROXY", squid.url().toString()))) {
            assertThat(network.proxy()).isEmpty();

            assertThat(network.describeSubnets(List.of(DefaultWorld.NODE_SUBNET_A))).hasSize(1);
        }

        assertThat(logAfterAControlRequest(squid)).noneMatch(l -> l.contains(" POST "));
    }

    /**
     * Sends one request of our own through Squid and waits for its log line. Squid logs transactions as they end, so
     * once the control line is there, any earlier adapter call that had gone through Squid would be logged too: the
     * absence of a line is then a real observation, not an early look.
     */
    private List<String> logAfterAControlRequest(Squid squid) throws Exception {
        String marker = "/control-" + UUID.randomUUID();
        try (HttpClient http = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", squid.port()))).build()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(server.endpoint() + marker)).timeout(LOG_WAIT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("the emulator answered the control request").isBetween(200, 599);
        }
        assertThat(squid.awaitLogLine(l -> l.contains(marker), LOG_WAIT))
                .as("the control request in squid's access log:\n%s", squid.output())
                .isPresent();
        List<String> lines = squid.accessLogLines();
        assertThat(lines).as("only the control request went through squid").hasSize(1);
        return lines;
    }
}
