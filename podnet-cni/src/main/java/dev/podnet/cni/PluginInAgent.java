package dev.podnet.cni;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The agent's side of exec: runs the plugin's own {@link Plugin} on the forwarded environment and stdin, with an
 * {@link AgentBackend} that hands each request to the agent directly instead of over its socket, and returns what
 * the plugin would have printed. The agent serves only a configuration that names the socket the plugin reached it
 * on; anything else is declined with nothing run (the plugin then runs in full itself), so the agent never writes
 * an embedded-mode state directory and never answers for another agent.
 */
public final class PluginInAgent {
    /** The reply for a configuration this agent does not serve; the plugin never prints it. */
    static final AgentReply.Failure DECLINED = new AgentReply.Failure(CniException.INVALID_NETWORK_CONFIG,
            "exec declined", "the configuration's ipam.agentSocket is not the socket this request came through");

    private PluginInAgent() {
    }

    /** @param agent answers one request as the agent's socket would */
    public static AgentReply run(AgentRequest.Exec exec, Function<AgentRequest, AgentReply> agent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        ByteArrayOutputStream err = new ByteArrayOutputStream(0);
        PrintStream stdout = new PrintStream(out, false, StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(err, false, StandardCharsets.UTF_8);
        AgentBackend direct = new AgentBackend(Path.of(exec.agentSocket()), agent::apply);
        Plugin plugin = new Plugin(exec.env(), new ByteArrayInputStream(exec.stdin()), stdout, stderr,
                conf -> {
                    if (!exec.agentSocket().equals(conf.ipam().agentSocket())) {
                        throw new Plugin.NotServed();
                    }
                    return direct;
                });
        try {
            int status = plugin.run();
            stdout.flush();
            stderr.flush();
            return new AgentReply.Exec(status, out.toByteArray(), err.toByteArray());
        } catch (Plugin.NotServed e) {
            return DECLINED;
        }
    }
}
