package dev.podnet.cni;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import dev.podnet.api.NetConf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Function;
import dev.podnet.linux.NetNamespace;

/**
 * The serving side of exec: runs the plugin's own {@link Plugin} on the forwarded environment and stdin and returns
 * what the plugin would have printed, so the native executable the runtime runs only moves bytes. A server runs
 * only the configurations it serves; anything else is declined with nothing run, and the executable then runs the
 * full plugin itself. Two servers use it: the node agent (configurations that name its socket) and the embedded
 * agent (configurations without an agent, under its data directory).
 */
public final class PluginInAgent {
    /** The reply for a configuration this server does not serve; the plugin never prints it. */
    static final AgentReply.Failure DECLINED = new AgentReply.Failure(CniException.INVALID_NETWORK_CONFIG,
            "exec declined", "the configuration is not served on the socket this request came through");

    private PluginInAgent() {
    }

    /** For the node agent: configurations whose ipam.agentSocket is the socket the request came through. */
    public static AgentReply run(AgentRequest.Exec exec, Function<AgentRequest, AgentReply> agent) {
        return run(exec, agent, NetNamespace.current());
    }

    /**
     * As {@link #run(AgentRequest.Exec, Function)}, with the node's side of each pod (host veth, routes, rules; the
     * ipvlan master) in
     * {@code node}: the agent's node namespace, which need not be the one the agent runs in ({@code --netns}).
     */
    public static AgentReply run(AgentRequest.Exec exec, Function<AgentRequest, AgentReply> agent, NetNamespace node) {
        AgentBackend direct = new AgentBackend(Path.of(exec.agentSocket()), agent::apply);
        return serve(exec, conf -> exec.agentSocket().equals(conf.ipam().agentSocket()) ? direct : null, node);
    }

    /** @param backends the backend for a configuration this server serves, or null to decline it */
    static AgentReply serve(AgentRequest.Exec exec, Function<NetConf, Backend> backends) {
        return serve(exec, backends, NetNamespace.current());
    }

    private static AgentReply serve(AgentRequest.Exec exec, Function<NetConf, Backend> backends, NetNamespace node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        ByteArrayOutputStream err = new ByteArrayOutputStream(0);
        PrintStream stdout = new PrintStream(out, false, StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(err, false, StandardCharsets.UTF_8);
        Plugin plugin = new Plugin(exec.env(), new ByteArrayInputStream(exec.stdin()), stdout, stderr, conf -> {
            Backend backend = backends.apply(conf);
            if (backend == null) {
                throw new Plugin.NotServed();
            }
            return backend;
        }, node);
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
