package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.agent.AgentConfig;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `podnet agent --kubeconfig` with the API server down, and "who holds this IP" in `podnet ipam status`. */
class AgentKubeconfigTest {
    /** CNI_ARGS as containerd passes them, as the plugin forwards them to the agent. */
    static final Map<String, String> WEB_0 = Map.of("IgnoreUnknown", "1", "K8S_POD_NAMESPACE", "shop",
            "K8S_POD_NAME", "web-0", "K8S_POD_INFRA_CONTAINER_ID", "c1",
            "K8S_POD_UID", "0c8a6f1e-2b7d-4c55-9f0a-6b1f2e3d4c5b");

    @TempDir
    Path dir;

    /** A kubeconfig whose API server is a closed port. */
    private Path deadKubeconfig() throws Exception {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: dead, cluster: {server: "http://127.0.0.1:9"}}]
                users: [{name: podnet, user: {token: t}}]
                contexts: [{name: dead, context: {cluster: dead, user: podnet}}]
                current-context: dead
                """);
    }

    @Test
    void theNodeNameIsTheFlagElseMyNodeNameAndThereIsNoApiServerWithoutAKubeconfig() throws Exception {
        AgentCommand command = new AgentCommand();
        new picocli.CommandLine(command).parseArgs("--pool", "p=10.9.0.0/24", "--kubeconfig", deadKubeconfig().toString());
        AgentConfig settings = command.settings(Map.of("MY_NODE_NAME", "ip-10-0-1-7.ec2.internal"));
        try {
            assertThat(settings.kube()).hasValueSatisfying(k -> {
                assertThat(k.node()).isEqualTo("ip-10-0-1-7.ec2.internal");
                assertThat(k.client().getMasterUrl().toString()).startsWith("http://127.0.0.1:9");
                assertThat(k.networkConfigInterval()).isEmpty();
            });
        } finally {
            settings.kube().orElseThrow().client().close();
        }
        AgentCommand none = new AgentCommand();
        new picocli.CommandLine(none).parseArgs("--pool", "p=10.9.0.0/24", "--node-name", "node-a");
        assertThat(none.settings(Map.of()).kube()).isEmpty();
        AgentCommand missing = new AgentCommand();
        new picocli.CommandLine(missing).parseArgs("--pool", "p=10.9.0.0/24", "--kubeconfig", "/nonexistent/kubeconfig");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> missing.settings(Map.of()))
                .hasMessageStartingWith("kubeconfig /nonexistent/kubeconfig");
    }

    @Test
    void networkConfigsAreWrittenEveryMinuteOnlyWhenAskedAndNeedAnApiServer() throws Exception {
        AgentCommand command = new AgentCommand();
        new picocli.CommandLine(command).parseArgs("--pool", "p=10.9.0.0/24", "--network-configs",
                "--kubeconfig", deadKubeconfig().toString());
        AgentConfig settings = command.settings(Map.of("MY_NODE_NAME", "node-a"));
        try {
            assertThat(settings.kube().orElseThrow().networkConfigInterval()).contains(Duration.ofMinutes(1));
        } finally {
            settings.kube().orElseThrow().client().close();
        }
        AgentCommand none = new AgentCommand();
        new picocli.CommandLine(none).parseArgs("--pool", "p=10.9.0.0/24", "--network-configs", "--node-name", "n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> none.settings(Map.of()))
                .hasMessageStartingWith("--network-configs writes NetworkAttachmentDefinitions to the API server");
    }

    @Test
    void withItsApiServerDownTheAgentServesFromItsJournalAndIpamStatusShowsWhoHoldsEachAddress() throws Exception {
        Path socket = dir.resolve("agent.sock");
        String[] flags = {"--kubeconfig", deadKubeconfig().toString(), "--node-name", "node-a"};
        Process agent = AgentProcess.start(dir, socket, "default=10.44.0.0/24", flags);
        try {
            AgentProcess.awaitAnswer(socket, agent);
            assertThat(AgentProcess.ask(socket, AgentRequest.add("c1", "eth0", "/n", null, List.of(), WEB_0)))
                    .isInstanceOf(AgentReply.Success.class);
        } finally {
            agent.destroy();
            assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        agent = AgentProcess.start(dir, socket, "default=10.44.0.0/24", flags);
        try {
            AgentProcess.awaitAnswer(socket, agent);
            assertThat(AgentProcess.ask(socket, AgentRequest.add("c2", "eth0", "/n", null, List.of(), Map.of())))
                    .isInstanceOf(AgentReply.Success.class);

            MainTest.Run text = MainTest.run("ipam", "status", "--socket", socket.toString());
            assertThat(text.status()).as(text.err()).isZero();
            assertThat(text.out()).containsPattern("ADDRESS +POD +CONTAINER +INTERFACE +POOL")
                    .containsPattern("10\\.44\\.0\\.2/24 +shop/web-0 +c1 +eth0 +default")
                    .containsPattern("10\\.44\\.0\\.3/24 +- +c2 +eth0 +default");
            MainTest.Run json = MainTest.run("ipam", "status", "--socket", socket.toString(), "--output", "json");
            JsonNode first = new ObjectMapper().readTree(json.out()).get("allocations").get(0);
            assertThat(first.get("pod").get("uid").asText()).isEqualTo(WEB_0.get("K8S_POD_UID"));

            String gcFailed = "pod GC: cannot read pod shop/web-0, its allocation stays: the Kubernetes API server at "
                    + "http://127.0.0.1:9 did not answer";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(dir.resolve("agent.log")).contains(gcFailed) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(Files.readString(dir.resolve("agent.log"))).contains(gcFailed)
                    .contains("API server http://127.0.0.1:9 as node node-a");
            assertThat(AgentProcess.status(socket).allocations()).hasSize(2);
        } finally {
            agent.destroy();
            assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
