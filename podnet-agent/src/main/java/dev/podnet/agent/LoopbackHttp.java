package dev.podnet.agent;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A read-only HTTP endpoint on the loopback interface only (metrics, introspection): nothing the agent serves over
 * HTTP may be reachable from the pod network. Each path maps to a content type and a body supplier.
 */
public final class LoopbackHttp implements AutoCloseable {
    /** What one path serves: a status with each body, so a probe path can answer 503. */
    public record Page(String contentType, Supplier<Reply> reply) {
        /** A page that is always there (200). */
        public static Page ok(String contentType, Supplier<String> body) {
            return new Page(contentType, () -> new Reply(200, body.get()));
        }
    }

    /** One answer: the HTTP status and the body. */
    public record Reply(int status, String body) {
    }

    private final HttpServer server;

    public LoopbackHttp(String listen, Map<String, Page> pages) throws IOException {
        InetSocketAddress address = parse(listen);
        server = HttpServer.create(address, 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                Page page = pages.get(exchange.getRequestURI().getPath());
                if (page == null || !exchange.getRequestMethod().equals("GET")) {
                    exchange.sendResponseHeaders(page == null ? 404 : 405, -1);
                    return;
                }
                Reply reply = page.reply().get();
                byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", page.contentType());
                exchange.sendResponseHeaders(reply.status(), body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    /** {@code 127.0.0.1:PORT} (port 0 picks a free one); any address that is not loopback is refused. */
    static InetSocketAddress parse(String listen) throws IOException {
        int colon = listen.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("\"" + listen + "\" is not HOST:PORT, e.g. 127.0.0.1:9090");
        }
        String host = listen.substring(0, colon).replaceAll("^\\[|]$", "");
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + listen + "\": the port is not a number");
        }
        InetAddress address;
        try {
            // A literal only: resolving a name here could ask a DNS server on the network.
            address = host.equals("localhost") ? InetAddress.getLoopbackAddress() : InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + listen + "\": " + host + " is not an IP address");
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("\"" + listen + "\" is not a loopback address; podnet serves metrics "
                    + "and introspection on 127.0.0.1 or ::1 only");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("\"" + listen + "\": port out of range");
        }
        return new InetSocketAddress(address, port);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
