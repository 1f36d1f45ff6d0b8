package dev.podnet.cli.netns;

import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import java.io.IOException;
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
