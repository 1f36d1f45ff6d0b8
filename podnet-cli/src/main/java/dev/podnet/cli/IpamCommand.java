package dev.podnet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.agent.AgentConfig;
import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.CniException;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.text.TextTable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ipam", mixinStandardHelpOptions = true, description = "Ask the node agent about its pools.",
        subcommands = IpamCommand.Status.class)
final class IpamCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"List every pool (total, used, free, quarantined) and every allocation: who holds each address,",
                    "by pod (NAMESPACE/NAME, from the ADD's CNI_ARGS; the uid too with --output json) and container."},
            footer = {"", "Examples:", "  podnet ipam status", "  podnet ipam status --socket /tmp/agent.sock --output json"})
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--socket", paramLabel = "PATH", description = "The agent's socket (default /run/podnet/agent.sock).")
        Path socket = AgentConfig.DEFAULT_SOCKET;

        @Mixin
        TextOrJson output;

        @Override
        public Integer call() {
            AgentReply reply;
            try {
                reply = AgentClient.ask(socket, AgentRequest.status(), AgentWire.MAX_ALLOWED_LINE_BYTES, Duration.ofSeconds(30));
            } catch (IOException | CniException e) {
                throw new InvalidInputException("cannot reach the podnet agent at " + socket + ": " + e.getMessage()
                        + " (is `podnet agent` running?)");
            }
            if (!(reply instanceof AgentReply.Status status)) {
                throw new InvalidInputException("the agent at " + socket + " answered: " + reply);
            }
            output.print(spec.commandLine().getOut(), () -> new ObjectMapper().valueToTree(status), () -> {
                TextTable pools = new TextTable("POOL", "TOTAL", "USED", "FREE", "QUARANTINED");
                status.pools().forEach(p -> pools.row(p.name(), p.total(), p.used(), p.free(), p.quarantined()));
                TextTable allocations = new TextTable("ADDRESS", "POD", "CONTAINER", "INTERFACE", "POOL");
                status.allocations().forEach(a -> allocations.row(a.address(),
                        a.pod() == null ? "-" : a.pod().namespace() + "/" + a.pod().name(), a.containerId(), a.ifName(),
                        a.pool()));
                return pools.render() + "\n" + allocations.render();
            });
            return 0;
        }
    }
}
