package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.Attachment;
import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import java.io.IOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {
    @TempDir
    Path dir;

    private AgentConfig config(String... pools) {
        return new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"), Optional.of("127.0.0.1:0"),
                Optional.of("127.0.0.1:0"), List.of(pools).stream().map(AgentConfig::parsePool).toList(), Duration.ofSeconds(30));
    }

    static AgentReply ask(Path socket, AgentRequest request) throws IOException {
        return AgentClient.ask(socket, request, AgentWire.MAX_ALLOWED_LINE_BYTES, Duration.ofSeconds(60));
    }

    private static CniResult added(AgentReply reply) {
        assertThat(reply).isInstanceOf(AgentReply.Success.class);
        return ((AgentReply.Success) reply).result();
    }

    @Test
    void twoHundredParallelAddsAreUniqueAndSurviveARestart() throws Exception {
        AgentConfig config = config("default=10.1.0.0/23,fd00:1::/120");
        Set<String> addresses = new HashSet<>();
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            List<Future<AgentReply>> replies = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    AgentRequest add = AgentRequest.add("c" + i, "eth0", "/var/run/netns/c" + i, null, List.of(), Map.of());
                    replies.add(pool.submit(() -> ask(config.socket(), add)));
                }
            }
            for (Future<AgentReply> f : replies) {
                CniResult r = added(f.get());
                assertThat(r.ips()).hasSize(2);
                r.ips().forEach(ip -> assertThat(addresses.add(ip.address())).as(ip.address()).isTrue());
            }
        }
        assertThat(addresses).hasSize(400);
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            AgentReply.Status status = (AgentReply.Status) ask(config.socket(), AgentRequest.status());
            assertThat(status.allocations()).hasSize(400);
            assertThat(status.allocations()).extracting(AgentReply.Allocation::address).containsExactlyInAnyOrderElementsOf(addresses);
            // the same attachment gets the same answer after the restart
            CniResult again = added(ask(config.socket(), AgentRequest.add("c7", "eth0", "/x", null, List.of(), Map.of())));
            assertThat(addresses).containsAll(again.ips().stream().map(CniResult.IpConfig::address).toList());
        }
    }

    @Test
    void delIsIdempotentGcReleasesStrangersAndErrorsCarryCniCodes() throws Exception {
        AgentConfig config = config("small=10.2.0.0/30");
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            Path socket = config.socket();
            CniResult a = added(ask(socket, AgentRequest.add("a", "eth0", "/n", null, List.of(), Map.of())));
            assertThat(a.ips()).singleElement().satisfies(ip -> {
                assertThat(ip.address()).isEqualTo("10.2.0.2/30");
                assertThat(ip.gateway()).isEqualTo("10.2.0.1");
            });
            // a /30 has one address besides the gateway: the next ADD finds none (code 11, with the reason)
            AgentReply full = ask(socket, AgentRequest.add("b", "eth0", "/n", null, List.of(), Map.of()));
            assertThat(full).isInstanceOfSatisfying(AgentReply.Failure.class,
                    f -> assertThat(f.code()).isEqualTo(CniException.TRY_AGAIN_LATER));
            assertThat(ask(socket, AgentRequest.del("a", "eth0", "/n", null, Map.of()))).isInstanceOf(AgentReply.Success.class);
            assertThat(ask(socket, AgentRequest.del("a", "eth0", "/n", null, Map.of()))).isInstanceOf(AgentReply.Success.class);
            assertThat(ask(socket, AgentRequest.check("a", "eth0", "/n", null, Map.of())))
                    .isInstanceOfSatisfying(AgentReply.Failure.class, f -> assertThat(f.code()).isEqualTo(3));
            AgentReply unknownPool = ask(socket, AgentRequest.add("c", "eth0", "/n", "nope", List.of(), Map.of()));
            assertThat(unknownPool).isInstanceOfSatisfying(AgentReply.Failure.class, f -> assertThat(f.code()).isEqualTo(7));
            assertThat(ask(socket, AgentRequest.gc(null, List.of(new Attachment("z", "eth0"))))).isInstanceOf(AgentReply.Success.class);
        }
    }

    @Test
    void metricsAndIntrospectionOnLoopback() throws Exception {
        AgentConfig config = config("default=10.3.0.0/24");
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            added(ask(config.socket(), AgentRequest.add("m", "eth0", "/n", null, List.of(),
                    Map.of("K8S_POD_NAMESPACE", "shop", "K8S_POD_NAME", "web-0", "K8S_POD_UID", "u-1"))));
            HttpClient http = HttpClient.newHttpClient();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPorts().get(0)
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("podnet_ipam_addresses{pool=\"default\",state=\"used\"} 1.0",
                    "podnet_ipam_allocations_total{pool=\"default\"} 1.0", "podnet_agent_request_duration_seconds_count{op=\"add\"} 1");
            String status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPorts().get(1)
                    + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(status).contains("\"containerId\":\"m\"",
                    "\"pod\":{\"namespace\":\"shop\",\"name\":\"web-0\",\"uid\":\"u-1\"}");
        }
    }

    @Test
    void probesOnTheIntrospectionServer() throws Exception {
        AgentConfig config = config("tiny=10.6.0.0/30");
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + agent.httpPorts().get(1);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).matches("ok: pool tiny has \\d+ free addresses\n");
            int free = Integer.parseInt(ready.body().replaceAll("\\D", ""));
            for (int i = 0; i < free; i++) {
                added(ask(config.socket(), AgentRequest.add("r" + i, "eth0", "/n", null, List.of(), Map.of())));
            }
            // the one address is taken: a new pod here would fail, so the node is not ready
            ready = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("not ready: no pool has a free address: tiny (" + free + " total, " + free + " used, "
                    + "0 quarantined)\n");
        }
    }

    @Test
    void execRunsThePluginInTheAgentAndCountsAsItsCommand() throws Exception {
        AgentConfig config = config("default=10.5.0.0/24");
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            Path socket = config.socket();
            byte[] conf = ("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"bridge\",\"ipam\":{\"type\":\"podnet-ipam\","
                    + "\"agentSocket\":\"" + socket + "\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}").getBytes(StandardCharsets.UTF_8);
            Map<String, String> env = Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "x1", "CNI_IFNAME", "eth0",
                    "CNI_NETNS", "/var/run/netns/x1", "CNI_PATH", "/opt/cni/bin",
                    "CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-0;K8S_POD_UID=u-1");

            AgentReply added = ask(socket, AgentRequest.exec(socket.toString(), env, conf));
            assertThat(added).isEqualTo(new AgentReply.Exec(0, ("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.5.0.2/24\","
                    + "\"gateway\":\"10.5.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}\n").getBytes(StandardCharsets.UTF_8), null));
            AgentReply.Status status = (AgentReply.Status) ask(socket, AgentRequest.status());
            assertThat(status.allocations()).extracting(AgentReply.Allocation::containerId).containsExactly("x1");
            assertThat(status.allocations()).extracting(AgentReply.Allocation::pod)
                    .containsExactly(new AgentReply.Pod("shop", "web-0", "u-1"));

            Map<String, String> del = new java.util.HashMap<>(env);
            del.put("CNI_COMMAND", "DEL");
            assertThat(ask(socket, AgentRequest.exec(socket.toString(), del, conf))).isEqualTo(new AgentReply.Exec(0, null, null));
            assertThat(((AgentReply.Status) ask(socket, AgentRequest.status())).allocations()).isEmpty();

            // invalid input is the plugin's error output, decided in the agent with nothing changed
            String valid = new String(conf, StandardCharsets.UTF_8);
            for (int cut = 0; cut < valid.length(); cut += 7) {
                byte[] broken = (valid.substring(0, cut) + "\u0001" + valid.substring(cut)).getBytes(StandardCharsets.UTF_8);
                AgentReply invalid = ask(socket, AgentRequest.exec(socket.toString(), env, broken));
                assertThat(invalid).isInstanceOfSatisfying(AgentReply.Exec.class, e -> {
                    assertThat(e.exit()).isEqualTo(1);
                    assertThat(new String(e.stdout(), StandardCharsets.UTF_8)).startsWith("{\"cniVersion\":")
                            .contains("\"code\":").doesNotContain("\tat ");
                });
            }
            assertThat(((AgentReply.Status) ask(socket, AgentRequest.status())).allocations()).isEmpty();
            // a configuration that names another socket is declined: the plugin must ask that agent itself
            assertThat(ask(socket, AgentRequest.exec("/run/other.sock", env, conf)))
                    .isInstanceOfSatisfying(AgentReply.Failure.class, f -> assertThat(f.msg()).isEqualTo("exec declined"));

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + agent.httpPorts().get(0) + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            int broken = (conf.length + 6) / 7;
            assertThat(metrics).contains("podnet_agent_request_duration_seconds_count{op=\"add\"} " + (2 + broken),
                    "podnet_agent_request_duration_seconds_count{op=\"del\"} 1");
        }
    }

    @Test
    void badLinesGetADecodeError() throws Exception {
        AgentConfig config = config("default=10.4.0.0/24");
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            assertThat(raw(config.socket(), "{not json")).isInstanceOfSatisfying(AgentReply.Failure.class,
                    f -> assertThat(f.code()).isEqualTo(CniException.DECODING_FAILURE));
            assertThat(raw(config.socket(), "{\"op\":\"add\"}")).isInstanceOf(AgentReply.Failure.class);
        }
    }

    private static AgentReply raw(Path socket, String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return AgentClient.exchange(channel, (line + "\n").getBytes(StandardCharsets.UTF_8),
                    AgentWire.MAX_LINE_BYTES, Duration.ofSeconds(10));
        }
    }
}
