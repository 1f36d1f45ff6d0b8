package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMetricsTest {

    private static AgentMetrics sample() {
        AgentMetrics m = new AgentMetrics(() -> List.of(new AgentMetrics.PoolCounts("default", 254, 3, 250, 1)));
        m.allocated("default", 2);
        m.failed("default", "exhausted");
        m.answered("add", 420_000);
        m.ec2Call("AssignPrivateIpAddresses", "ok", 1_000_000);
        m.ec2Call("AssignPrivateIpAddresses", "RequestLimitExceeded", 1_000_000);
        m.warmPools(() -> List.of(new AgentMetrics.WarmCounts("vpc", 2, 0, 18, 5, 13, true)));
        m.podGcReleased("default", "deleted");
        m.podGcFailed();
        return m;
    }

    @Test
    void scrapeHasTheNamedSeries() {
        String text = sample().scrape();
        assertThat(text).contains("podnet_ipam_addresses{pool=\"default\",state=\"used\"} 3.0",
                "podnet_ipam_allocations_total{pool=\"default\"} 2.0",
                "podnet_ipam_allocation_failures_total{pool=\"default\",reason=\"exhausted\"} 1.0",
                "podnet_agent_request_duration_seconds_bucket{op=\"add\",le=\"5.0E-4\"} 1",
                "podnet_ec2_calls_total{action=\"AssignPrivateIpAddresses\",outcome=\"RequestLimitExceeded\"} 1.0",
                "podnet_ec2_throttled_calls_total{action=\"AssignPrivateIpAddresses\"} 1.0",
                "podnet_pod_gc_releases_total{pool=\"default\",reason=\"deleted\"} 1.0",
                "podnet_pod_gc_read_failures_total 1.0",
                "podnet_warm_pool_addresses{pool=\"vpc\",state=\"in_use\"} 5.0",
                "podnet_warm_pool_enis{pool=\"vpc\"} 2.0",
                "podnet_warm_pool_eniconfig_missing{pool=\"vpc\"} 1.0");
    }

    /** promtool (Debian's prometheus package) is the judge of the text format; bin/test installs it. */
    @Test
    void promtoolAcceptsTheScrape(@TempDir Path dir) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assumeTrue(Files.isExecutable(promtool), "promtool is not installed (apt-get install prometheus)");
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, sample().scrape());
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).isEmpty();
    }

    @Test
    void servesMetricsOnLoopbackOnly() throws Exception {
        AgentMetrics m = sample();
        try (LoopbackHttp http = new LoopbackHttp("127.0.0.1:0",
                Map.of("/metrics", LoopbackHttp.Page.ok("text/plain; version=0.0.4", m::scrape)))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("podnet_ipam_addresses");
            HttpResponse<String> missing = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/nope")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
        }
        assertThatThrownBy(() -> new LoopbackHttp("0.0.0.0:0", Map.of())).hasMessageContaining("not a loopback address");
        assertThatThrownBy(() -> new LoopbackHttp("example.com:80", Map.of())).hasMessageContaining("is not an IP address");
        assertThatThrownBy(() -> new LoopbackHttp("9090", Map.of())).hasMessageContaining("HOST:PORT");
    }
}
