package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.cni.NodeConflist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
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

    @Test
    void theConflistIsWrittenOnceAPoolCanAddressAPodAndKeptAtStop() throws Exception {
        Path netDir = Files.createDirectories(dir.resolve("net.d"));
        Path conflist = netDir.resolve("10-podnet.conflist");
        Path socket = dir.resolve("agent.sock");
        try (WatchService watch = netDir.getFileSystem().newWatchService()) {
            netDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            Process agent = AgentProcess.start(dir, socket, "p=10.9.2.0/24", "--conflist", conflist.toString(),
                    "--conflist-pool", "p");
            try {
                // woken by the file system, not by a timer; bounded in case the agent never writes it
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(conflist) && System.nanoTime() < deadline) {
                    assertThat(agent.isAlive()).as("agent exited early").isTrue();
                    WatchKey key = watch.poll(1, TimeUnit.SECONDS);
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                    }
                }
                assertThat(Files.readString(conflist)).isEqualTo(NodeConflist.json(socket.toString(), "p"));
            } finally {
                agent.destroy(); // SIGTERM
                assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        assertThat(conflist).exists();
        assertThat(Files.readString(dir.resolve("agent.log"))).contains("pool p has ", "wrote " + conflist);
    }
}
