package dev.podnet.cni;

import dev.podnet.api.NetConf;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The full {@code podnet-ipam} plugin, run when the native executable cannot hand the call to an agent: no agent
 * answers, the agent declined, or the input is something only the full decoder can judge.
 */
public final class Main {
    /**
     * Set by the native executable when its request reached the agent but no whole reply came back: asking again
     * could do the work twice or wait out a second timeout, so the plugin reports that failure as its own.
     */
    static final String AGENT_LOST = "PODNET_AGENT_LOST";

    private Main() {
    }

    public static void main(String[] args) {
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        Map<String, String> env = System.getenv();
        int status = new Plugin(env, System.in, stdout, System.err, backends(env.get(AGENT_LOST))).run();
        stdout.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status); // everything is flushed and on disk: no shutdown hooks to run
    }

    static Function<NetConf, Backend> backends(String lost) {
        return conf -> {
            String socket = conf.ipam().agentSocket();
            if (socket == null) {
                return new EmbeddedBackend(conf, EmbeddedBackend.Engines.PER_CALL);
            }
            if (lost == null) {
                return new AgentBackend(Path.of(socket));
            }
            return new AgentBackend(Path.of(socket), request -> {
                throw new IOException(lost);
            });
        };
    }
}
