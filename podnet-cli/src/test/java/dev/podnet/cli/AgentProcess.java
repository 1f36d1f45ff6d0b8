package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** `podnet agent` as its own JVM for tests, logging to {@code dir/agent.log}, and the client calls they make. */
final class AgentProcess {
    private AgentProcess() {
    }

    static Process start(Path dir, Path socket, String pool, String... extraFlags) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.podnet.cli.Main", "agent", "--socket", socket.toString(),
                "--state-dir", dir.resolve("state").toString(), "--pool", pool));
        command.addAll(List.of(extraFlags));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    }

    /** Bounded wait until the agent answers (a restarted one replays its journal first). */
    static void awaitAnswer(Path socket, Process agent) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(agent.isAlive()).as("agent exited early").isTrue();
            try {
                ask(socket, AgentRequest.status());
                return;
            } catch (IOException e) {
                Thread.yield(); // not listening yet
            }
        }
        throw new AssertionError("the agent did not answer on " + socket + " within 60 s");
    }

    static AgentReply ask(Path socket, AgentRequest request) throws IOException {
        return AgentClient.ask(socket, request, AgentWire.MAX_ALLOWED_LINE_BYTES, Duration.ofSeconds(60));
    }

    static AgentReply.Status status(Path socket) throws IOException {
        return (AgentReply.Status) ask(socket, AgentRequest.status());
    }
}
