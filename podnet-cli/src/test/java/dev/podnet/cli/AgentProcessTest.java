package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
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
        Process agent = AgentProcess.start(dir, socket, "p=10.9.0.0/24");
        AgentProcess.awaitAnswer(socket, agent);
        AgentReply added = AgentProcess.ask(socket, AgentRequest.add("c1", "eth0", "/n", null, List.of(), Map.of()));
        assertThat(added).isInstanceOf(AgentReply.Success.class);

        agent.destroy(); // SIGTERM
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).isZero();
        assertThat(socket).doesNotExist();
        assertThat(Files.readString(dir.resolve("agent.log")))
                .contains("podnet agent: serving pools [p] on " + socket, "podnet agent: stopped");

        Process again = AgentProcess.start(dir, socket, "p=10.9.0.0/24");
        try {
            AgentProcess.awaitAnswer(socket, again);
            AgentReply.Status status = (AgentReply.Status) AgentProcess.ask(socket, AgentRequest.status());
            assertThat(status.allocations()).extracting(AgentReply.Allocation::containerId).containsExactly("c1");
        } finally {
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
