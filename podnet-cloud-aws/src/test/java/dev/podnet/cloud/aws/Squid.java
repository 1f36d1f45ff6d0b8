package dev.podnet.cloud.aws;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Debian's Squid in the foreground on 127.0.0.1 and a free port, with a generated configuration and its logs in a
 * temporary directory. It proxies only requests from 127.0.0.1 to 127.0.0.1 and caches nothing, so every request
 * it carries reaches the origin and shows up in {@link #accessLog()}.
 */
final class Squid implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/squid");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** Squid logs this (debug level 1) once its port listens: "Accepting HTTP Socket connections at ... local=IP:PORT". */
    private static final String READY = "Accepting HTTP Socket connections";

    private final Path dir;
    private final int port;
    private final Process process;
    private final StringBuffer output = new StringBuffer();

    private Squid(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts Squid and returns once its port accepts connections; a taken port (a race with others) is retried. */
    static Squid start() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir = Files.createTempDirectory("podnet-squid-");
            // Squid started as root drops to its cache_effective_user (proxy on Debian), which must write the logs here.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            try {
                return startIn(dir, freePort());
            } catch (IOException e) {
                deleteRecursively(dir);
                last = e;
            }
        }
        throw last;
    }

    private static Squid startIn(Path dir, int port) throws IOException {
        Path conf = dir.resolve("squid.conf");
        Files.writeString(conf, config(dir, port));
        Process process = new ProcessBuilder(BINARY.toString(), "-N", "-d", "1", "-f", conf.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        Squid squid = new Squid(dir, port, process);
        squid.awaitReady();
        return squid;
    }

    private static String config(Path dir, int port) {
        return String.join("\n",
                "http_port 127.0.0.1:" + port,
                "acl from_localhost src 127.0.0.1/32",
                // Squid's stock configuration denies to_localhost; the origins in these tests are all on 127.0.0.1.
                "acl to_loopback dst 127.0.0.1/32",
                "http_access allow from_localhost to_loopback",
                "http_access deny all",
                "cache deny all",
                "access_log stdio:" + dir.resolve("access.log"),
                "cache_log " + dir.resolve("cache.log"),
                "pid_filename " + dir.resolve("squid.pid"),
                "coredump_dir " + dir,
                "shutdown_lifetime 0 seconds",
                "visible_hostname podnet-test",
                "pinger_enable off",
                "netdb_filename none",
                // Nothing here needs a name resolved; should anything try, it stays on loopback.
                "dns_nameservers 127.0.0.1",
                "");
    }

    private void awaitReady() throws IOException {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("squid-output-" + port).start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.contains(READY)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // The stream closes when Squid exits; the exit is reported below.
            }
            ready.completeExceptionally(new IOException("squid exited before it listened:\n" + output));
        });
        try {
            // Squid prints READY after listen() on the port succeeded, so the port accepts from here on. No probe
            // connection: Squid would log it, and the tests read the access log line by line.
            ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            stop();
            throw new IOException("squid did not start on port " + port + ": " + e.getMessage() + "\n" + output, e);
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting squid", e);
        }
    }

    int port() {
        return port;
    }

    /** The proxy URL, as HTTP_PROXY would carry it. */
    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    Path accessLog() {
        return dir.resolve("access.log");
    }

    List<String> accessLogLines() {
        try {
            return Files.exists(accessLog()) ? Files.readAllLines(accessLog()) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until a line of the access log matches, watching the directory (inotify) rather than polling: Squid writes
     * a line when a transaction ends, which may be just after the client has its response.
     */
    Optional<String> awaitLogLine(Predicate<String> match, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            while (true) {
                Optional<String> line = accessLogLines().stream().filter(match).findFirst();
                long remaining = deadline - System.nanoTime();
                if (line.isPresent() || remaining <= 0) {
                    return line;
                }
                WatchKey key = watch.poll(remaining, TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    /** Squid's own log, for failure messages. */
    String output() {
        return output.toString();
    }

    @Override
    public void close() throws IOException {
        stop();
        deleteRecursively(dir);
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
