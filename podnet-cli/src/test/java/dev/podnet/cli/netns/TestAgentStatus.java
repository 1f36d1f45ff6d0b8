package dev.podnet.cli.netns;

import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What an agent on a socket holds, asked as {@code podnet ipam status} asks. */
final class TestAgentStatus {
    private TestAgentStatus() {
    }

    static List<AgentReply.Allocation> allocations(Path socket) throws IOException {
        AgentReply reply = AgentClient.ask(socket, AgentRequest.status(), AgentWire.MAX_ALLOWED_LINE_BYTES,
                Duration.ofSeconds(30));
        if (!(reply instanceof AgentReply.Status status)) {
            throw new AssertionError("the agent answered status with " + reply);
        }
        return status.allocations();
    }
}
