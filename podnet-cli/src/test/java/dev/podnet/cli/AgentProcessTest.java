package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `podnet agent` as its own process: it serves in the foreground, logs to stderr, and SIGTERM ends it cleanly. */
class AgentProcessTest {
    @TempDir
    Path dir;

    @Test
    void sigtermStopsTheAgentCleanlyAndItsStateSurvives() throws Exception {
        Path socket = dir.resolve("agent.sock");
        Process agent = start(socket);
        awaitAnswer(socket, agent);
        AgentReply added = AgentCrashTest.ask(socket, AgentRequest.add("c1", "eth0", "/n", null, List.of(), Map.of()));
        assertThat(added).isInstanceOf(AgentReply.Success.class);

        agent.destroy(); // SIGTERM
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).isZero();
        assertThat(socket).doesNotExist();
        assertThat(Files.readString(dir.resolve("agent.log")))
                .contains("podnet agent: serving pools [p] on " + socket, "podnet agent: stopped");

        Process again = start(socket);
        try {
            awaitAnswer(socket, again);
            AgentReply.Status status = (AgentReply.Status) AgentCrashTest.ask(socket, AgentRequest.status());
            assertThat(status.allocations()).extracting(AgentReply.Allocation::containerId).containsExactly("c1");
        } finally {
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process start(Path socket) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.podnet.cli.Main", "agent",
                "--socket", socket.toString(), "--state-dir", dir.resolve("state").toString(), "--pool", "p=10.9.0.0/24")
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    }

    private static void awaitAnswer(Path socket, Process agent) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(agent.isAlive()).as("agent exited early").isTrue();
            try {
                AgentCrashTest.ask(socket, AgentRequest.status());
                return;
            } catch (IOException e) {
                Thread.yield(); // not listening yet
            }
        }
        throw new AssertionError("the agent did not answer within 60 s");
    }
}
