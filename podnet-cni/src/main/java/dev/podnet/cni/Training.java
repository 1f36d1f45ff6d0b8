package dev.podnet.cni;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.CniResult;
import dev.podnet.api.CniVersion;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The workload {@code podnet install-cni} runs once with {@code -XX:AOTCacheOutput}, so the JDK's AOT cache holds
 * the classes (loaded and linked) of every path a real plugin run takes, through the executable's own entry
 * ({@link AgentExec#run}): in agent mode the exec path against a stand-in agent on a unix socket, the full path
 * against an agent that declines exec and against no agent at all; in embedded mode VERSION, ADD, CHECK, DEL, GC,
 * STATUS; and a decode error.
 */
public final class Training {
    private static final CniResult ADDED = CniResult.ofIps(CniVersion.CURRENT,
            List.of(CniResult.IpConfig.of("10.99.1.2/24", "10.99.1.1")), List.of());

    private Training() {
    }

    public static void main(String[] args) throws IOException {
        // Main reads the real environment; runs below pass their own. Without this call its classes would be
        // missing from the cache and loaded from the JDK's image on every plugin run.
        System.getenv();
        Path dir = Files.createTempDirectory("podnet-ipam-training");
        try (StandIn agent = new StandIn(dir.resolve("agent.sock"))) {
            // Concatenation rather than String.formatted (and no streams below): whatever training loads goes into
            // the cache, and every plugin run preloads it.
            String embedded = "{\"cniVersion\":\"1.1.0\",\"name\":\"training\",\"type\":\"podnet-ipam\",\"ipam\":{"
                    + "\"type\":\"podnet-ipam\",\"dataDir\":\"" + dir + "\",\"ranges\":[[{\"subnet\":\"10.99.0.0/24\"}],"
                    + "[{\"subnet\":\"fd99::/120\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}";
            String viaAgent = "{\"cniVersion\":\"1.0.0\",\"name\":\"training\",\"type\":\"bridge\",\"ipam\":{"
                    + "\"type\":\"podnet-ipam\",\"agentSocket\":\"" + agent.socket + "\",\"pool\":\"training\","
                    + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}";
            String noAgent = viaAgent.replace(agent.socket.toString(), dir.resolve("none.sock").toString());
            for (int round = 0; round < 3; round++) {
                commands(embedded);
                run("VERSION", "");
                run("ADD", "{not json");
                agent.declineExec = false;
                commands(viaAgent);
                agent.declineExec = true;
                commands(viaAgent);
                run("ADD", noAgent);
                run("STATUS", noAgent);
            }
        } finally {
            delete(dir);
        }
    }

    /** Depth first. */
    private static void delete(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                for (Path entry : entries) {
                    delete(entry);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    private static void commands(String conf) {
        String added = run("ADD", conf);
        String withPrev = conf.substring(0, conf.lastIndexOf('}')) + ",\"prevResult\":" + added + "}";
        run("CHECK", withPrev);
        run("STATUS", conf);
        run("DEL", conf);
        run("GC", conf.substring(0, conf.lastIndexOf('}')) + ",\"cni.dev/valid-attachments\":[]}");
    }

    private static String run(String command, String stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", "training", "CNI_IFNAME", "eth0",
                "CNI_NETNS", "/var/run/netns/training", "CNI_PATH", "/opt/cni/bin");
        // exiting as Main is, so the cache holds what a plugin run loads (the few unclosed connections end with training)
        AgentExec.run(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(OutputStream.nullOutputStream()), true);
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    /** A stand-in for the node agent: answers exec as the agent does, and the plain requests with fixed replies. */
    private static final class StandIn implements AutoCloseable, Runnable {
        private final Path socket;
        private final ServerSocketChannel server;
        private final Thread thread;
        private volatile boolean declineExec;

        StandIn(Path socket) throws IOException {
            this.socket = socket;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(this, "podnet-training-agent");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    InputStream in = new BufferedInputStream(Channels.newInputStream(client));
                    byte[] line = AgentWire.readLine(in, AgentWire.MAX_ALLOWED_LINE_BYTES);
                    if (line != null) {
                        Channels.newOutputStream(client).write(AgentWire.encode(answer(AgentWire.decodeRequest(line))));
                    }
                } catch (IOException | RuntimeException e) {
                    // closed at the end of training, or a client that went away: nothing to answer
                }
            }
        }

        private AgentReply answer(AgentRequest request) {
            return switch (request.op()) {
                case EXEC -> declineExec ? PluginInAgent.DECLINED : PluginInAgent.run(request.exec(), this::answer);
                case ADD, CHECK -> new AgentReply.Success(ADDED);
                case DEL, GC -> new AgentReply.Success(null);
                case STATUS -> new AgentReply.Status(List.of(), List.of());
            };
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
