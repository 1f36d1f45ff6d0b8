package dev.podnet.api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A unix-socket server speaking one line in, one line out: each connection may send several requests, each
 * answered before the next is read. Every connection runs on its own virtual thread, so many requests are served
 * in parallel without a thread pool to size. The socket file is mode 0600: only root (the kubelet's CNI calls)
 * may ask for addresses.
 */
public final class LineServer implements AutoCloseable {
    /** Longest request line accepted (a GC list of a busy node is long); a longer one gets an error and the connection is closed. */
    public static final int MAX_LINE = 1 << 20;
    private static final int BACKLOG = 4096;
    private static final Logger LOG = Logger.getLogger(LineServer.class.getName());

    private final Path path;
    private final UnaryOperator<String> handler;
    private final UnaryOperator<String> tooLong;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    /**
     * @param handler answers one request line (without its newline) with one reply line; it must not throw
     * @param tooLong the reply to a line longer than {@link #MAX_LINE}, given a description of the problem
     */
    public LineServer(Path path, UnaryOperator<String> handler, UnaryOperator<String> tooLong) throws IOException {
        this.path = path;
        this.handler = handler;
        this.tooLong = tooLong;
        this.server = bind(path);
        this.acceptor = Thread.ofVirtual().name("podnet-accept").start(this::acceptLoop);
    }

    private static ServerSocketChannel bind(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            if (answers(path)) {
                throw new IOException("another agent is serving " + path);
            }
            Files.delete(path); // left by an agent that died; nobody listens on it
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            // A unix socket refuses connects (EAGAIN) once its backlog is full; pods start in bursts.
            channel.bind(UnixDomainSocketAddress.of(path), BACKLOG);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                open.add(client);
                Thread.ofVirtual().name("podnet-conn").start(() -> serve(client));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "accept failed on " + path, e);
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client; InputStream in = new BufferedInputStream(Channels.newInputStream(client));
             OutputStream out = Channels.newOutputStream(client)) {
            while (true) {
                Line line = readLine(in);
                if (line == null) {
                    return;
                }
                String reply = line.tooLong() ? tooLong.apply("request longer than " + MAX_LINE + " bytes")
                        : handler.apply(line.text());
                out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (line.tooLong()) {
                    return;
                }
            }
        } catch (ClosedChannelException e) {
            // the server is closing
        } catch (IOException e) {
            LOG.log(Level.FINE, "connection ended", e);
        } finally {
            open.remove(client);
        }
    }

    private record Line(String text, boolean tooLong) {
    }

    /** The next line without its newline, or null at the end of the stream; an over-long line is not kept. */
    private static Line readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        boolean tooLong = false;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() < MAX_LINE) {
                line.write(b);
            } else {
                tooLong = true;
            }
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return new Line(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text, tooLong);
    }

    @Override
    public void close() {
        try {
            server.close();
            for (SocketChannel c : open) {
                c.close();
            }
            acceptor.join(5_000);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
