package dev.podnet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.agent.AgentConfig;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.CniException;
import dev.podnet.planner.text.TextTable;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
            description = "List every pool (total, used, free, quarantined) and every allocation.",
            footer = {"", "Examples:", "  podnet ipam status", "  podnet ipam status --socket /tmp/agent.sock --output json"})
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--socket", paramLabel = "PATH", description = "The agent's socket (default /run/podnet/agent.sock).")
        Path socket = AgentConfig.DEFAULT_SOCKET;

        @Mixin
        TextOrJson output;

        @Override
        public Integer call() throws IOException {
            byte[] line = ask();
            AgentReply reply = AgentWire.decodeReply(line, AgentWire.MAX_ALLOWED_LINE_BYTES);
            if (!(reply instanceof AgentReply.Status status)) {
                throw new dev.podnet.net.InvalidInputException("the agent at " + socket + " answered: " + reply);
            }
            output.print(spec.commandLine().getOut(), () -> {
                try {
                    return new ObjectMapper().readTree(new String(line, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, () -> {
                TextTable pools = new TextTable("POOL", "TOTAL", "USED", "FREE", "QUARANTINED");
                status.pools().forEach(p -> pools.row(p.name(), p.total(), p.used(), p.free(), p.quarantined()));
                TextTable allocations = new TextTable("ADDRESS", "CONTAINER", "INTERFACE", "POOL");
                status.allocations().forEach(a -> allocations.row(a.address(), a.containerId(), a.ifName(), a.pool()));
                return pools.render() + "\n" + allocations.render();
            });
            return 0;
        }

        private byte[] ask() {
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                 OutputStream out = Channels.newOutputStream(ch);
                 InputStream in = new BufferedInputStream(Channels.newInputStream(ch))) {
                out.write(AgentWire.encode(AgentRequest.status()));
                out.write('\n');
                out.flush();
                byte[] line = AgentWire.readLine(in, AgentWire.MAX_ALLOWED_LINE_BYTES);
                if (line == null) {
                    throw new dev.podnet.net.InvalidInputException("the agent at " + socket + " closed the connection");
                }
                return line;
            } catch (IOException | CniException e) {
                throw new dev.podnet.net.InvalidInputException("cannot reach the podnet agent at " + socket + ": "
                        + e.getMessage() + " (is `podnet agent` running?)");
            }
        }
    }
}
