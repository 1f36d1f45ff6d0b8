package dev.podnet.cli.netns;

import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/** A podnet node agent run in-process on a socket in the test's temporary directory, with one pool. */
final class TestAgent implements AutoCloseable {
    private final AgentConfig config;
    private Agent agent;

    private TestAgent(AgentConfig config) throws IOException {
        this.config = config;
        this.agent = Agent.start(config, InstantSource.system());
    }

    /** @param pool {@code NAME=CIDR[,CIDR6]}, as {@code podnet agent --pool} takes it */
    static TestAgent start(Path dir, String pool) throws IOException {
        return new TestAgent(new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"), Optional.empty(),
                Optional.empty(), List.of(AgentConfig.parsePool(pool)), Duration.ofSeconds(30)));
    }

    /**
     * {@code podnet agent} as its own process inside namespace {@code ns}, as a node's agent runs in the node's
     * namespace: the main plugin it runs in-process sets up the node's side of each pod there. The caller closes
     * the returned process handle (it kills the agent).
     */
    static NodeAgent startIn(Netns net, String ns, Path dir, String pool) throws IOException {
        Path socket = dir.resolve("agent.sock");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of("ip", "netns", "exec", ns, java, "-cp", System.getProperty("java.class.path"),
                "dev.podnet.cli.Main", "agent", "--socket", socket.toString(), "--state-dir", dir.resolve("state").toString(),
                "--pool", pool);
        net.path(ns); // only the test's own namespaces
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        NodeAgent agent = new NodeAgent(process, socket, dir.resolve("agent.log"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                AgentClient.ask(socket, AgentRequest.status(), AgentWire.MAX_ALLOWED_LINE_BYTES, Duration.ofSeconds(10));
                return agent;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    agent.close();
                    throw new AssertionError("the agent in " + ns + " did not answer: "
                            + Files.readString(dir.resolve("agent.log")), e);
                }
                try {
                    Thread.sleep(50); // the JVM is starting
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", ie);
                }
            }
        }
    }

    /** An agent process started by {@link #startIn}. */
    record NodeAgent(Process process, Path socket, Path log) implements AutoCloseable {
        /** kill -9, as a crash: no shutdown hook, no close; returns once the process is gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("the agent outlived kill -9 by 20 s");
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    Path socket() {
        return config.socket();
    }

    /** Stops the agent and starts a new one on the same state directory, as after a node reboot. */
    void restart() throws IOException {
        agent.close();
        agent = null;
        agent = Agent.start(config, InstantSource.system());
    }

    /** The agent's answer to {@code status}, asked over its socket as {@code podnet ipam status} does. */
    AgentReply.Status status() throws IOException {
        AgentReply reply = AgentClient.ask(config.socket(), AgentRequest.status(), AgentWire.MAX_ALLOWED_LINE_BYTES,
                java.time.Duration.ofSeconds(60));
        if (!(reply instanceof AgentReply.Status status)) {
            throw new AssertionError("the agent answered status with " + reply);
        }
        return status;
    }

    /** The addresses (with prefix length) the agent holds for {@code containerId}. */
    List<String> addressesOf(String containerId) throws IOException {
        return status().allocations().stream().filter(a -> a.containerId().equals(containerId))
                .map(AgentReply.Allocation::address).toList();
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.close();
        }
    }
}
