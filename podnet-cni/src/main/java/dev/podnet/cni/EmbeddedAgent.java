package dev.podnet.cni;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.CniException;
import dev.podnet.api.LineServer;
import dev.podnet.api.NetConf;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Embedded mode kept warm: one process per data directory, started by the native plugin on first use, serving exec
 * requests on {@code dataDir/podnet-ipam.sock} with each network's engine kept open (and so its directory locked)
 * between calls, and exiting once idle. What a call does is exactly what the Java plugin does on its own: the same
 * {@link Plugin} with an {@link EmbeddedBackend}, journaled and forced to disk before the answer.
 */
public final class EmbeddedAgent implements AutoCloseable {
    public static final String SOCKET = "podnet-ipam.sock";
    /** How long the agent stays without a request before it exits; the next plugin run starts a new one. */
    static final Duration IDLE = Duration.ofMinutes(1);
    static final String IDLE_VARIABLE = "PODNET_EMBEDDED_IDLE_MS";

    private final Path dataDir;
    private final Path socket;
    private final OpenEngines engines = new OpenEngines();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile long lastAnswer = System.nanoTime();
    private final LineServer server;

    EmbeddedAgent(Path dataDir) throws IOException {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.socket = this.dataDir.resolve(SOCKET);
        Files.createDirectories(this.dataDir);
        this.server = new LineServer(socket, this::handle, AgentWire::tooLongReply);
    }

    /** Arguments: the data directory. Exits 0 when idle, or at once when another agent already serves it. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: EmbeddedAgent DATA_DIR");
            System.exit(2);
        }
        Duration idle = idle(System.getenv(IDLE_VARIABLE));
        EmbeddedAgent agent;
        try {
            agent = new EmbeddedAgent(Path.of(args[0]));
        } catch (IOException e) {
            System.err.println(Instant.now() + " podnet embedded agent: not started: " + e.getMessage());
            System.exit(0);
            return;
        }
        System.err.println(Instant.now() + " podnet embedded agent: serving " + agent.socket + " (pid "
                + ProcessHandle.current().pid() + ", exits after " + idle.toMillis() + " ms idle)");
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
        agent.awaitIdle(idle);
        agent.close();
        System.err.println(Instant.now() + " podnet embedded agent: idle, exiting");
        System.exit(0);
    }

    static Duration idle(String millis) {
        try {
            return millis == null ? IDLE : Duration.ofMillis(Math.max(1, Long.parseLong(millis)));
        } catch (NumberFormatException e) {
            return IDLE;
        }
    }

    /** Returns once no request has been in flight or answered for {@code idle}. */
    void awaitIdle(Duration idle) throws InterruptedException {
        while (true) {
            long quietFor = System.nanoTime() - lastAnswer;
            if (busy.get() == 0 && quietFor >= idle.toNanos()) {
                return;
            }
            Thread.sleep(Duration.ofNanos(Math.max(idle.toNanos() - quietFor, idle.toNanos() / 4)));
        }
    }

    private String handle(String line) {
        busy.incrementAndGet();
        try {
            AgentRequest request = AgentWire.decodeRequest(line.getBytes(StandardCharsets.UTF_8));
            if (request.op() != AgentRequest.Op.EXEC) {
                return AgentWire.replyLine(new AgentReply.Failure(CniException.INVALID_NETWORK_CONFIG, "exec only",
                        "the embedded agent runs whole plugin calls (op exec) only"));
            }
            return AgentWire.replyLine(PluginInAgent.serve(request.exec(), this::backend));
        } catch (CniException e) {
            return AgentWire.replyLine(AgentReply.Failure.of(e));
        } finally {
            lastAnswer = System.nanoTime();
            busy.decrementAndGet();
        }
    }

    /** Embedded-mode configurations of this data directory, asked through this socket; null declines the rest. */
    private Backend backend(NetConf conf) {
        // Checked first: a configuration that names an agent must never be served from a directory here.
        if (conf.ipam().agentSocket() != null) {
            return null;
        }
        return EmbeddedBackend.dataDir(conf).toAbsolutePath().normalize().equals(dataDir)
                ? new EmbeddedBackend(conf, engines) : null;
    }

    @Override
    public void close() {
        server.close();
        engines.close();
    }

    /**
     * Each network's engine, opened on first use and kept; reopened when a call brings other ranges for it (a
     * changed configuration), which waits for the calls on the old engine to finish.
     */
    private static final class OpenEngines implements EmbeddedBackend.Engines, AutoCloseable {
        private record Open(Pool pool, Ipam ipam) {
        }

        private final Map<Path, Open> open = new HashMap<>();
        private final ReadWriteLock lock = new ReentrantReadWriteLock();

        @Override
        public <T> T with(Path stateDir, Pool pool, Function<Ipam, T> action) {
            while (true) {
                lock.readLock().lock();
                try {
                    Open current = open.get(stateDir);
                    if (current != null && current.pool().equals(pool)) {
                        return action.apply(current.ipam());
                    }
                } finally {
                    lock.readLock().unlock();
                }
                reopen(stateDir, pool);
            }
        }

        private void reopen(Path stateDir, Pool pool) {
            lock.writeLock().lock();
            try {
                Open current = open.get(stateDir);
                if (current != null && current.pool().equals(pool)) {
                    return;
                }
                if (current != null) {
                    open.remove(stateDir).ipam().close();
                }
                open.put(stateDir, new Open(pool, Ipam.open(stateDir, List.of(pool), InstantSource.system(),
                        IpamOptions.defaults())));
            } finally {
                lock.writeLock().unlock();
            }
        }

        @Override
        public void close() {
            lock.writeLock().lock();
            try {
                open.values().forEach(o -> o.ipam().close());
                open.clear();
            } finally {
                lock.writeLock().unlock();
            }
        }
    }
}
