package dev.podnet.cni;

import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.CniCommand;
import dev.podnet.api.CniEnv;
import dev.podnet.api.CniException;
import dev.podnet.api.NetConf;
import dev.podnet.api.NetConfDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One plugin run, agent mode's short path first: the CNI_* environment and the stdin bytes go to the agent in one
 * exec request, the agent runs this same {@link Plugin} in-process ({@link PluginInAgent}), and its output and exit
 * status are passed on unchanged. The plugin process then runs none of the CNI validation, request and result code
 * cold: it only finds {@code ipam.agentSocket} (Jackson's streaming parser, one pass) and moves bytes.
 * Whenever the short path cannot be sure, the plugin runs in full here, as it always did, so the output is the same
 * either way: an invalid environment, VERSION, no agent socket in the configuration, an agent that cannot be
 * reached, or an answer that is not an exec result (an agent older than exec, or one that declines because the
 * configuration names another socket).
 */
final class AgentExec {
    /** What {@link Plugin} reads from the environment; nothing else is sent. */
    static final List<String> FORWARDED = List.of(CniEnv.COMMAND, CniEnv.CONTAINER_ID, CniEnv.NETNS, CniEnv.IFNAME,
            CniEnv.ARGS, CniEnv.PATH, Plugin.DEBUG);
    /** Base64 adds a third: a longer stdin (a GC list of a very busy node) would pass the agent's 1 MiB line limit. */
    static final int MAX_FORWARDED_STDIN = 512 * 1024;
    private static final byte[] KEY = "\"agentSocket\"".getBytes(StandardCharsets.US_ASCII);

    private AgentExec() {
    }

    /**
     * @param exiting the process ends right after: the agent connection is left for the exit to close (closing it
     *                costs a fresh JVM about a millisecond and a half of cold code)
     * @return the exit status, after writing the result or error to stdout
     */
    static int run(Map<String, String> env, InputStream stdin, PrintStream stdout, PrintStream stderr, boolean exiting) {
        try {
            if (CniEnv.parse(env).command() == CniCommand.VERSION) {
                return local(env, stdin, stdout, stderr, Main::backend);
            }
        } catch (RuntimeException e) {
            return local(env, stdin, stdout, stderr, Main::backend); // reports the environment's error, as always
        }
        byte[] conf;
        try {
            conf = stdin.readNBytes(NetConfDecoder.MAX_STDIN_BYTES + 1);
        } catch (IOException e) {
            return local(env, new Failing(e), stdout, stderr, Main::backend);
        }
        if (conf.length > MAX_FORWARDED_STDIN || indexOf(conf, KEY) < 0) {
            // Surely not agent mode (a key spelled with escapes only costs its run the full path): no socket thread.
            return local(env, new ByteArrayInputStream(conf), stdout, stderr, Main::backend);
        }
        // A fresh JVM's first unix socket channel costs ~10 ms of class initialization (UnixDomainSockets seeds a
        // SecureRandom, which loads the security providers), and Jackson's first parser ~7 ms (BigDecimal's static
        // tables, through its ParserMinimalBase): one thread each, at the same time.
        ChannelOpener opener = ChannelOpener.start();
        String socket = null;
        byte[] request = null;
        try {
            socket = NetConfDecoder.agentSocket(conf);
            if (socket != null) {
                request = AgentWire.encode(AgentRequest.exec(socket, forwarded(env), conf)); // while the channel opens
            }
        } catch (RuntimeException e) {
            socket = null; // nothing sent: the full path decides, and reports whatever is wrong
        }
        if (socket == null) {
            opener.discard();
            return local(env, new ByteArrayInputStream(conf), stdout, stderr, Main::backend);
        }
        SocketChannel channel = opener.connect(Path.of(socket));
        if (channel == null) {
            // No agent there: the full path reports it as it always did (code 11, 50 for STATUS).
            return local(env, new ByteArrayInputStream(conf), stdout, stderr, Main::backend);
        }
        AgentReply reply;
        try {
            // The reply carries the plugin's output: small, but nothing is gained by refusing a large one.
            reply = AgentClient.exchange(channel, request, AgentWire.MAX_ALLOWED_LINE_BYTES, AgentBackend.TIMEOUT);
        } catch (IOException | RuntimeException e) {
            // The request may have reached the agent, and asking again could double a 30 s timeout: the full path
            // reports this failure as if its own request had met it.
            return local(env, new ByteArrayInputStream(conf), stdout, stderr, failedAt(socket, e));
        } finally {
            if (!exiting) {
                ChannelOpener.closeQuietly(channel);
            }
        }
        if (reply instanceof AgentReply.Exec done) {
            stdout.writeBytes(done.stdout());
            stdout.flush();
            stderr.writeBytes(done.stderr());
            stderr.flush();
            return done.exit();
        }
        return local(env, new ByteArrayInputStream(conf), stdout, stderr, Main::backend);
    }

    private static int local(Map<String, String> env, InputStream stdin, PrintStream stdout, PrintStream stderr,
                             Function<NetConf, Backend> backends) {
        return new Plugin(env, stdin, stdout, stderr, backends).run();
    }

    /** The agent at {@code socket} failed with {@code failure}; any other configuration is served as usual. */
    private static Function<NetConf, Backend> failedAt(String socket, Exception failure) {
        AgentBackend.Transport failed = request -> {
            if (failure instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) failure;
        };
        return conf -> socket.equals(conf.ipam().agentSocket())
                ? new AgentBackend(Path.of(socket), failed) : Main.backend(conf);
    }

    private static Map<String, String> forwarded(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : FORWARDED) {
            String value = env.get(name);
            if (value != null) {
                out.put(name, value);
            }
        }
        return out;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Stdin that failed: the full path reads it again and reports the same failure (code 5). */
    private static final class Failing extends InputStream {
        private final IOException failure;

        Failing(IOException failure) {
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            throw failure;
        }
    }
}
