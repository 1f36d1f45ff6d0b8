package dev.podnet.cni;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.api.CniVersion;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node agent stand-in on a unix socket: fixed answers to the plain requests, exec answered as the real agent
 * does ({@link PluginInAgent} over those answers), or like an agent that predates exec, or one that hangs up.
 */
final class StandInAgent implements AutoCloseable, Runnable {
    enum Mode { SERVES_EXEC, PREDATES_EXEC, HANGS_UP }

    static final CniResult ADDED = CniResult.ofIps(CniVersion.CURRENT, List.of(CniResult.IpConfig.of("10.5.0.2/24",
            "10.5.0.1"), CniResult.IpConfig.of("fd05::2/120", null)), List.of(CniResult.Route.of("10.6.0.0/16", "10.5.0.9")));

    final Path socket;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final List<String> ops = new ArrayList<>();
    private Map<String, String> lastExecEnv;
    private volatile Mode mode = Mode.SERVES_EXEC;
    /** STATUS answers this failure when set. */
    private volatile CniException statusFailure;
    /** How many allocations STATUS lists. */
    private volatile int statusAllocations;

    StandInAgent(Path socket) throws IOException {
        this.socket = socket;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(this, "stand-in-agent");
        thread.setDaemon(true);
        thread.start();
    }

    void mode(Mode mode) {
        this.mode = mode;
    }

    void statusFails(CniException failure) {
        statusFailure = failure;
    }

    void statusLists(int allocations) {
        statusAllocations = allocations;
    }

    /** The ops received since the last call, in order ("exec", "add", ...). */
    synchronized List<String> takeOps() {
        List<String> taken = List.copyOf(ops);
        ops.clear();
        return taken;
    }

    synchronized Map<String, String> lastExecEnv() {
        return lastExecEnv;
    }

    @Override
    public void run() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                InputStream in = new BufferedInputStream(Channels.newInputStream(client));
                byte[] line = AgentWire.readLine(in, AgentWire.MAX_ALLOWED_LINE_BYTES);
                if (line == null) {
                    continue;
                }
                AgentRequest request = AgentWire.decodeRequest(line);
                synchronized (this) {
                    ops.add(request.op().wire());
                    if (request.exec() != null) {
                        lastExecEnv = request.exec().env();
                    }
                }
                if (mode != Mode.HANGS_UP) {
                    Channels.newOutputStream(client).write(AgentWire.encode(answer(request)));
                }
            } catch (IOException | RuntimeException e) {
                // closed at the end of the test
            }
        }
    }

    private AgentReply answer(AgentRequest request) {
        return switch (request.op()) {
            case EXEC -> mode == Mode.PREDATES_EXEC
                    ? new AgentReply.Failure(CniException.DECODING_FAILURE, "invalid agent request", "op must be add, del, check, gc or status")
                    : PluginInAgent.run(request.exec(), this::answer);
            case ADD -> request.containerId().startsWith("full")
                    ? new AgentReply.Failure(CniException.TRY_AGAIN_LATER, "no free address", "pool exhausted")
                    : new AgentReply.Success(ADDED);
            case CHECK -> request.containerId().startsWith("gone")
                    ? new AgentReply.Failure(CniException.UNKNOWN_CONTAINER, "unknown attachment", request.containerId())
                    : new AgentReply.Success(ADDED);
            case DEL, GC -> new AgentReply.Success(null);
            case STATUS -> statusFailure != null ? AgentReply.Failure.of(statusFailure) : new AgentReply.Status(List.of(), allocations());
        };
    }

    private List<AgentReply.Allocation> allocations() {
        List<AgentReply.Allocation> out = new ArrayList<>();
        for (int i = 0; i < statusAllocations; i++) {
            out.add(new AgentReply.Allocation("10.5." + (i / 250) + "." + (i % 250 + 2), "c" + "0".repeat(60) + i, "eth0", "pods"));
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        thread.join(5_000);
    }
}
