package dev.podnet.bench;

import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Part 2 of bench/run: the node agent in this process on a unix socket in a temp dir, and clients that each open
 * a connection per request as the plugin does, send one line and read one line. ADD then DEL of distinct
 * containers; latency is from connect to the reply read. The baseline in the same run is an echo server with the
 * same connection-per-request pattern and a reply of the same size, on a virtual thread per connection like the
 * agent: what the socket and the threads cost with no IPAM and no fsync. With one client the agent, the echo
 * server and the disk floor (one append + fdatasync, what a durable answer costs at least) take turns.
 * Arguments: {@code [--quick]}.
 */
public final class AgentRoundTrip {
    static final double GOAL_P99_NANOS = 1_000_000;
    static final String NETNS = "/var/run/netns/pnb-bench";

    private AgentRoundTrip() {
    }

    /** One client's way of asking: connect, one line out, one line in, close. */
    interface Ask {
        void pair(String containerId, Latencies into);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int warmupPairs = quick ? 200 : 2_000;
        int singlePairs = quick ? 500 : 5_000;
        int clients = 200;
        int pairsPerClient = quick ? 5 : 50;

        Path dir = Files.createTempDirectory("pnb-agent");
        Path socket = dir.resolve("agent.sock");
        Path echoSocket = dir.resolve("echo.sock");
        AgentConfig config = new AgentConfig(socket, dir.resolve("state"), Optional.empty(), Optional.empty(),
                List.of(AgentConfig.parsePool("bench=10.8.0.0/16")), Duration.ZERO);
        try (Agent _ = Agent.start(config, InstantSource.system());
             EchoServer _ = new EchoServer(echoSocket, replySize(socket))) {
            Ask agentAsk = (id, into) -> {
                into.add(roundTrip(socket, AgentRequest.add(id, "eth0", NETNS, "bench", List.of(), Map.of())));
                into.add(roundTrip(socket, AgentRequest.del(id, "eth0", NETNS, "bench", Map.of())));
            };
            Ask echoAsk = (id, into) -> {
                into.add(roundTrip(echoSocket, AgentRequest.add(id, "eth0", NETNS, "bench", List.of(), Map.of())));
                into.add(roundTrip(echoSocket, AgentRequest.del(id, "eth0", NETNS, "bench", Map.of())));
            };
            // Warm both servers and this client up: JIT, connection handling, journal file.
            runClients(1, warmupPairs, "w", agentAsk);
            runClients(1, warmupPairs, "we", echoAsk);
            runClients(clients, 5, "wc", agentAsk);
            runClients(clients, 5, "wce", echoAsk);

            System.out.println("Agent round trip over the unix socket (connection per request, ADD then DEL of distinct"
                    + " containers; state dir on " + dir + (quick ? "; QUICK" : "") + ")");
            System.out.printf(Locale.ROOT, "  %-34s %9s %10s %10s %10s %10s %10s%n", "", "requests", "req/s",
                    "p50", "p99", "max", "p99/goal");
            // One client: the agent, the echo server and the disk floor take turns pair by pair, so the shared
            // machine's noise (fsync time above all) falls on them alike.
            Latencies agentOne = new Latencies();
            Latencies echoOne = new Latencies();
            Latencies diskOne = new Latencies();
            long agentFailures = 0;
            try (DiskFloor disk = new DiskFloor(dir.resolve("floor.log"))) {
                for (int i = 0; i < singlePairs; i++) {
                    try {
                        agentAsk.pair("a" + i, agentOne);
                    } catch (RuntimeException e) {
                        if (agentFailures++ == 0) {
                            System.err.println("round trip failed: " + e);
                        }
                    }
                    echoAsk.pair("e" + i, echoOne);
                    diskOne.add(disk.appendAndForce());
                    diskOne.add(disk.appendAndForce());
                }
            }
            Result a1 = new Result(agentOne, agentOne.sum(), agentFailures);
            Result e1 = Result.sequential(echoOne);
            Result d1 = Result.sequential(diskOne);
            Result aN = runClients(clients, pairsPerClient, "b", agentAsk);
            Result eN = runClients(clients, pairsPerClient, "f", echoAsk);
            a1.print("agent, 1 client");
            e1.print("  baseline: echo server, 1 client");
            d1.print("  baseline: one append + fdatasync");
            aN.print("agent, " + clients + " clients");
            eN.print("  baseline: echo server, " + clients + " clients");
            System.out.printf(Locale.ROOT, "  agent/echo p50: 1 client %s, %d clients %s; p99: 1 client %s, %d clients %s%n",
                    Latencies.ratio(a1.lat.p50(), e1.lat.p50()), clients, Latencies.ratio(aN.lat.p50(), eN.lat.p50()),
                    Latencies.ratio(a1.lat.p99(), e1.lat.p99()), clients, Latencies.ratio(aN.lat.p99(), eN.lat.p99()));
            System.out.printf(Locale.ROOT, "  1 client p50: agent %s = echo %s + one fdatasync %s + the rest %s%n",
                    Latencies.ms(a1.lat.p50()), Latencies.ms(e1.lat.p50()), Latencies.ms(d1.lat.p50()),
                    Latencies.ms(a1.lat.p50() - e1.lat.p50() - d1.lat.p50()));
            System.out.printf(Locale.ROOT, "  goal p99 < 1 ms: 1 client %s, %d clients %s%n",
                    a1.lat.p99() < GOAL_P99_NANOS ? "met" : "NOT met", clients,
                    aN.lat.p99() < GOAL_P99_NANOS ? "met" : "NOT met");
        } finally {
            deleteTree(dir);
        }
    }

    /** @param wallNanos for one client, requests back to back, the sum of the latencies */
    record Result(Latencies lat, long wallNanos, long failures) {
        static Result sequential(Latencies lat) {
            return new Result(lat, lat.sum(), 0);
        }

        void print(String what) {
            double perSecond = lat.count() / (wallNanos / 1e9);
            System.out.printf(Locale.ROOT, "  %-34s %9d %,10.0f %10s %10s %10s %10s%s%n", what, lat.count(), perSecond,
                    Latencies.ms(lat.p50()), Latencies.ms(lat.p99()), Latencies.ms(lat.max()),
                    Latencies.ratio(lat.p99(), GOAL_P99_NANOS), failures > 0 ? "  FAILURES: " + failures : "");
        }
    }

    /** {@code clients} virtual threads, each doing {@code pairs} ADD+DEL pairs of its own containers. */
    static Result runClients(int clients, int pairs, String tag, Ask ask) throws InterruptedException {
        Latencies lat = new Latencies();
        AtomicLong failures = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String prefix = tag + c + "x";
            threads.add(Thread.ofVirtual().start(() -> {
                ready.countDown();
                try {
                    go.await();
                    for (int i = 0; i < pairs; i++) {
                        try {
                            ask.pair(prefix + i, lat);
                        } catch (RuntimeException e) {
                            if (failures.getAndIncrement() == 0) {
                                System.err.println("round trip failed: " + e);
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return new Result(lat, System.nanoTime() - start, failures.get());
    }

    /** Connect, send, read the reply, close: the plugin's path. Returns the nanoseconds it took. */
    static long roundTrip(Path socket, AgentRequest request) {
        long start = System.nanoTime();
        byte[] reply = exchange(socket, request);
        long took = System.nanoTime() - start;
        if (reply == null) {
            throw new IllegalStateException("no reply from " + socket);
        }
        if (reply.length > 0 && reply[0] == '{' && !(AgentWire.decodeReply(reply) instanceof AgentReply.Success)) {
            throw new IllegalStateException("agent refused: " + new String(reply, StandardCharsets.UTF_8));
        }
        return took;
    }

    private static byte[] exchange(Path socket, AgentRequest request) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
             OutputStream out = Channels.newOutputStream(channel);
             InputStream in = new BufferedInputStream(Channels.newInputStream(channel))) {
            out.write(AgentWire.encode(request)); // one line, newline included
            out.flush();
            return AgentWire.readLine(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The size of a real ADD reply, so the echo baseline moves as many bytes. */
    private static int replySize(Path agentSocket) {
        byte[] added = exchange(agentSocket, AgentRequest.add("size0", "eth0", NETNS, "bench", List.of(), Map.of()));
        exchange(agentSocket, AgentRequest.del("size0", "eth0", NETNS, "bench", Map.of()));
        return added == null ? 200 : added.length;
    }

    /** What the disk alone costs a request that must be durable: append one journal-sized line and force it. */
    static final class DiskFloor implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer record = ByteBuffer.wrap(
                "A 1735689600000 bench a123 eth0 10.8.128.1\n".getBytes(StandardCharsets.US_ASCII));
        private long position;

        DiskFloor(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        long appendAndForce() {
            long start = System.nanoTime();
            try {
                record.clear();
                while (record.hasRemaining()) {
                    position += channel.write(record, position);
                }
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return System.nanoTime() - start;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Reads one line per connection and answers with a fixed line of {@code replyBytes} bytes. */
    static final class EchoServer implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Path path;
        private final byte[] reply;

        EchoServer(Path path, int replyBytes) throws IOException {
            this.path = path;
            byte[] r = new byte[replyBytes + 1];
            java.util.Arrays.fill(r, (byte) 'x');
            r[replyBytes] = '\n';
            this.reply = r;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path), 4096);
            Thread.ofVirtual().start(this::accept);
        }

        private void accept() {
            while (server.isOpen()) {
                try {
                    SocketChannel c = server.accept();
                    Thread.ofVirtual().start(() -> serve(c));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(SocketChannel c) {
            try (c; OutputStream out = Channels.newOutputStream(c);
                 InputStream in = new BufferedInputStream(Channels.newInputStream(c))) {
                while (AgentWire.readLine(in) != null) {
                    out.write(reply);
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            Files.deleteIfExists(path);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
