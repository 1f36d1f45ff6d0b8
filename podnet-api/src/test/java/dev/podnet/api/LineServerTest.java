package dev.podnet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineServerTest {
    @TempDir
    Path dir;

    static String ask(Path socket, String... lines) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
             OutputStream out = Channels.newOutputStream(ch);
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))) {
            StringBuilder replies = new StringBuilder();
            for (String line : lines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                replies.append(in.readLine()).append('|');
            }
            return replies.toString();
        }
    }

    @Test
    void answersEachLineInOrderOnOneConnectionAndIsPrivate() throws Exception {
        Path socket = dir.resolve("run/agent.sock");
        try (LineServer server = new LineServer(socket, s -> "echo:" + s, s -> "err:" + s)) {
            assertThat(ask(socket, "a", "b", "c")).isEqualTo("echo:a|echo:b|echo:c|");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void servesManyClientsAtOnce() throws Exception {
        Path socket = dir.resolve("agent.sock");
        int clients = 200;
        CountDownLatch allIn = new CountDownLatch(clients);
        // Every request waits until all 200 are being served: this only finishes if they run in parallel.
        try (LineServer server = new LineServer(socket, s -> {
            allIn.countDown();
            try {
                return allIn.await(20, TimeUnit.SECONDS) ? "ok:" + s : "timeout";
            } catch (InterruptedException e) {
                return "interrupted";
            }
        }, s -> "err")) {
            List<Future<String>> replies = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < clients; i++) {
                    int n = i;
                    replies.add(pool.submit(() -> ask(socket, "r" + n)));
                }
            }
            Set<String> distinct = new HashSet<>();
            for (Future<String> f : replies) {
                distinct.add(f.get());
            }
            assertThat(distinct).hasSize(clients).allMatch(r -> r.startsWith("ok:r"));
        }
    }

    @Test
    void anOverlongLineGetsAnErrorAndTheConnectionEnds() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (LineServer server = new LineServer(socket, s -> "ok", s -> "err:" + s)) {
            assertThat(ask(socket, "x".repeat(LineServer.MAX_LINE + 10)))
                    .isEqualTo("err:request longer than 1048576 bytes|");
            assertThat(ask(socket, "small")).isEqualTo("ok|");
        }
    }

    @Test
    void replacesAStaleSocketButNeverALiveOne() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (LineServer first = new LineServer(socket, s -> "first", s -> "err")) {
            assertThatThrownBy(() -> new LineServer(socket, s -> "second", s -> "err"))
                    .isInstanceOf(IOException.class).hasMessageContaining("another agent");
            assertThat(ask(socket, "x")).isEqualTo("first|");
        }
        Files.createFile(socket); // what a killed agent leaves behind
        try (LineServer second = new LineServer(socket, s -> "second", s -> "err")) {
            assertThat(ask(socket, "x")).isEqualTo("second|");
        }
    }
}
