package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of pod starts against one agent, through the installed plugin launcher (one JVM per ADD, as the kubelet
 * runs it). Pure IPAM changes no link, so this needs neither a namespace nor root; it is tagged netns because it
 * is as heavy as the namespace tests and runs with them.
 */
@Tag("netns")
class ParallelAddsNetnsTest {
    private static final int PODS = 200;
    /** 200 JVM starts on a 2-core machine take ~20 s; the bound only stops a hung run. */
    private static final Duration PER_ADD = Duration.ofSeconds(150);

    @RegisterExtension
    static final PodnetIpamPlugin PLUGIN = new PodnetIpamPlugin();
    @TempDir
    Path dir;

    @Test
    void twoHundredParallelPluginAddsGetUniqueAddressesThatSurviveAnAgentRestart() throws Exception {
        try (TestAgent agent = TestAgent.start(dir, "default=10.205.0.0/23,fd00:205::/112")) {
            String conf = """
                    {"cniVersion":"1.0.0","name":"podnet-burst","type":"bridge",
                     "ipam":{"type":"podnet-ipam","agentSocket":"%s"}}""".formatted(agent.socket());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Cni.Outcome>> runs = new ArrayList<>();
            long start;
            long elapsed;
            try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
                for (int i = 0; i < PODS; i++) {
                    String id = "burst-" + i;
                    runs.add(pool.submit(() -> {
                        go.await();
                        return Cni.runIpam(PLUGIN.launcher(), PLUGIN.cniPath(), "ADD", id, "/var/run/netns/" + id,
                                conf, PER_ADD);
                    }));
                }
                start = System.nanoTime();
                go.countDown();
                pool.shutdown();
                assertThat(pool.awaitTermination(PER_ADD.toSeconds() + 30, TimeUnit.SECONDS)).isTrue();
                elapsed = System.nanoTime() - start;
            }
            System.out.printf("podnet-ipam: %d parallel ADDs through the plugin launcher took %d ms wall (%d cores)%n",
                    PODS, TimeUnit.NANOSECONDS.toMillis(elapsed), Runtime.getRuntime().availableProcessors());

            Map<String, List<String>> byContainer = new HashMap<>();
            Set<String> unique = new HashSet<>();
            for (int i = 0; i < PODS; i++) {
                List<String> addresses = Cni.addresses(runs.get(i).get().result());
                assertThat(addresses).as("burst-" + i).hasSize(2);
                assertThat(addresses.stream().filter(a -> a.contains(":")).count()).as("one IPv6, one IPv4").isEqualTo(1);
                addresses.forEach(a -> assertThat(unique.add(a)).as(a + " handed out twice").isTrue());
                byContainer.put("burst-" + i, addresses);
            }
            assertThat(unique).hasSize(2 * PODS);

            agent.restart();
            AgentReply.Status status = agent.status();
            Map<String, List<String>> held = new HashMap<>();
            status.allocations().forEach(a -> held.computeIfAbsent(a.containerId(), k -> new ArrayList<>()).add(a.address()));
            assertThat(held.keySet()).containsExactlyInAnyOrderElementsOf(byContainer.keySet());
            byContainer.forEach((id, addresses) ->
                    assertThat(held.get(id)).as(id + " after the restart").containsExactlyInAnyOrderElementsOf(addresses));
            assertThat(status.pools().getFirst().used()).isEqualTo(2L * PODS);
        }
    }
}
