package dev.podnet.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-member etcd for one test class: Debian's {@code /usr/bin/etcd} on 127.0.0.1 with random client and
 * peer ports and a data directory of its own, started before the class and killed after it. Register it on a static
 * field: {@code @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();}. Tests may {@link #stop()}
 * and {@link #start()} it again (same ports, same data); a test that leaves it stopped gets it restarted before the
 * next one. Skips the class when etcd is not installed ({@code apt-get install etcd-server}).
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    public static final Path ETCD = Path.of("/usr/bin/etcd");
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);
    private static final String NAME = "podnet-test";

    private Path dir;
    private int clientPort;
    private int peerPort;
    private Process process;
    private Thread reaper;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        assumeInstalled();
        dir = Files.createTempDirectory("podnet-etcd-");
        clientPort = freePort();
        peerPort = freePort();
        reaper = Thread.ofPlatform().unstarted(this::kill);
        Runtime.getRuntime().addShutdownHook(reaper);   // a JVM that dies mid-class leaves no etcd behind
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        assumeInstalled();
        if (process == null || !process.isAlive()) {
            start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        kill();
        if (reaper != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The client URL, e.g. {@code http://127.0.0.1:43117}. */
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** etcd's own log, for a failing test to show. */
    public Path log() {
        return dir.resolve("etcd.log");
    }

    /** Starts etcd (again) on the same ports and data, and waits until it answers a read. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>(List.of(ETCD.toString(),
                "--name", NAME,
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", endpoint(),
                "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", NAME + "=" + peer,
                "--initial-cluster-state", "new",
                // A single member elects itself at once; the shorter timeout also brings the shortest lease TTL
                // etcd grants (1.5 election timeouts, rounded up) down to 1 s, so lease tests wait less.
                "--heartbeat-interval", "50",
                "--election-timeout", "500",
                "--logger", "zap",
                "--log-outputs", "stderr"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + ETCD, e);
        }
        awaitReady();
    }

    /** Stops etcd (SIGTERM, then SIGKILL after 10 s); {@link #start()} brings it back with its data. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        try (Client client = Client.builder().endpoints(endpoint()).waitForReady(false).build()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("etcd exited with " + process.exitValue() + ":\n" + logTail());
                }
                try {
                    client.getKVClient().get(ByteSequence.from("/", StandardCharsets.UTF_8))
                            .get(500, TimeUnit.MILLISECONDS);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() - deadline > 0) {
                        kill();
                        throw new IllegalStateException("etcd did not answer on " + endpoint() + " within "
                                + READY_WITHIN.toSeconds() + " s:\n" + logTail(), notYet);
                    }
                    LockSupport.parkNanos(50_000_000);   // etcd refuses at once while it starts
                }
            }
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(ETCD),
                ETCD + " is not installed (apt-get install etcd-server): skipping the tests that need etcd");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
