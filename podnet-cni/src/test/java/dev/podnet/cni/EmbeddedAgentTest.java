package dev.podnet.cni;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cni.NativePlugin.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embedded mode through the native executable: the first call starts the per-dataDir agent, every call after it is
 * served warm, the answers are the full plugin's, and an idle agent exits with its state on disk.
 */
class EmbeddedAgentTest {
    private static final Pattern ADDRESS = Pattern.compile("\"address\":\"([^\"]+)\"");
    /** Long enough not to expire during a test step, short enough to wait out. */
    private static final String IDLE_MS = "1500";

    @TempDir
    Path dir;
    private NativePlugin plugin;
    private Path dataDir;

    @BeforeEach
    void install() throws IOException {
        plugin = new NativePlugin(Files.createDirectories(dir.resolve("bin")));
        dataDir = dir.resolve("data");
    }

    @AfterEach
    void stopAgents() {
        agentProcess().ifPresent(ProcessHandle::destroyForcibly);
    }

    private String conf(Path data) {
        return """
                {"cniVersion":"1.0.0","name":"net1","type":"bridge",
                 "ipam":{"type":"podnet-ipam","dataDir":"%s","ranges":[[{"subnet":"10.5.0.0/24"}]]}}""".formatted(data);
    }

    private Map<String, String> env(String command, String container) {
        Map<String, String> env = new HashMap<>(Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", container,
                "CNI_IFNAME", "eth0", "CNI_NETNS", "/var/run/netns/x", "CNI_PATH", "/opt/cni/bin",
                EmbeddedAgent.IDLE_VARIABLE, IDLE_MS));
        return env;
    }

    private Run run(String command, String container) {
        return plugin.run(env(command, container), conf(dataDir).getBytes(StandardCharsets.UTF_8));
    }

    /** The embedded agent serving {@link #dataDir}, found by its command line. */
    private Optional<ProcessHandle> agentProcess() {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(List::of)
                .filter(args -> args.contains("dev.podnet.cni.EmbeddedAgent") && args.contains(dataDir.toString()))
                .isPresent()).findFirst();
    }

    @Test
    void theFirstCallStartsTheAgentAndItAnswersAsTheFullPluginDoes() {
        Path elsewhere = dir.resolve("full");
        for (String command : List.of("ADD", "ADD", "CHECK", "DEL", "DEL")) {
            Run viaAgent = run(command, "c1");
            Run full = NativePluginTest.full(env(command, "c1"), conf(elsewhere).getBytes(StandardCharsets.UTF_8));
            assertThat(viaAgent).as(command).isEqualTo(full);
            assertThat(agentProcess()).as("an agent serves after " + command).isPresent();
        }
        assertThat(dataDir.resolve(EmbeddedAgent.SOCKET)).exists();
        assertThat(dataDir.resolve("net1")).isDirectory();
    }

    @Test
    void anIdleAgentExitsAndTheNextCallFindsItsStateOnDisk() throws Exception {
        String first = address(run("ADD", "c1"));
        ProcessHandle agent = agentProcess().orElseThrow();

        agent.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(dataDir.resolve(EmbeddedAgent.SOCKET)).doesNotExist();

        assertThat(address(run("ADD", "c1"))).as("idempotent across agents").isEqualTo(first);
        assertThat(address(run("ADD", "c2"))).isNotEqualTo(first);
        assertThat(agentProcess().orElseThrow().pid()).isNotEqualTo(agent.pid());
    }

    @Test
    void manyFirstCallsAtOnceStartOneAgentAndGetDistinctAddresses() throws Exception {
        int n = 16;
        List<Future<Run>> runs = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                String container = "c" + i;
                runs.add(pool.submit(() -> run("ADD", container)));
            }
        }
        Set<String> addresses = new HashSet<>();
        for (Future<Run> r : runs) {
            addresses.add(address(r.get()));
        }
        assertThat(addresses).hasSize(n);
        long agents = ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(List::of)
                .filter(args -> args.contains(dataDir.toString())).isPresent()).count();
        assertThat(agents).isEqualTo(1);
    }

    @Test
    void aKilledAgentLosesNoAcknowledgedAddress() throws Exception {
        Set<String> acknowledged = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            acknowledged.add(address(run("ADD", "k" + i)));
        }
        ProcessHandle agent = agentProcess().orElseThrow();
        agent.destroyForcibly();
        agent.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);

        // A new agent starts (the dead one's socket file is taken over) and replays the journal.
        for (int i = 0; i < 5; i++) {
            assertThat(acknowledged).contains(address(run("ADD", "k" + i)));
        }
        assertThat(acknowledged).doesNotContain(address(run("ADD", "new")));
    }

    @Test
    void idleIsReadFromTheEnvironmentWithAMinuteByDefault() {
        assertThat(EmbeddedAgent.idle(null)).isEqualTo(Duration.ofMinutes(1));
        assertThat(EmbeddedAgent.idle("250")).isEqualTo(Duration.ofMillis(250));
        assertThat(EmbeddedAgent.idle("soon")).isEqualTo(Duration.ofMinutes(1));
    }

    private static String address(Run run) {
        assertThat(run.status()).as(run.out()).isZero();
        Matcher m = ADDRESS.matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        return m.group(1);
    }
}
