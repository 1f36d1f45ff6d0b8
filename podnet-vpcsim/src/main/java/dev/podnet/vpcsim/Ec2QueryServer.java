package dev.podnet.vpcsim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.sim.VpcEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The EC2 Query API over HTTP: POST with a form-encoded body or GET with a query string, on "/", Version 2016-11-15.
 * Signatures are not checked (any Authorization, X-Amz-Date or X-Amz-Security-Token is accepted), so the AWS SDKs and
 * the AWS CLI talk to it with any credentials. It binds to loopback unless told otherwise, because it has no
 * authentication at all.
 */
public final class Ec2QueryServer implements AutoCloseable {

    /** Larger bodies are refused unread: no request podnet makes comes near this. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    /** How much of an oversized body is read and dropped before answering; past that the connection is cut. */
    private static final long DRAIN_BYTES = 4L << 20;

    /** What a server needs besides its actions: where to listen, and whether to log a line per request to stderr. */
    public record Options(InetSocketAddress bind, boolean allowNonLoopback, boolean debug, PrintStream log) {
        public Options {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(log, "log");
        }

        /** 127.0.0.1 on {@code port} (0 = any free port), no request log. */
        public static Options loopback(int port) {
            return new Options(new InetSocketAddress("127.0.0.1", port), false, false, System.err);
        }

        public Options withDebug(boolean on) {
            return new Options(bind, allowNonLoopback, on, log);
        }
    }

    /**
     * Runs after every successful action that may have changed the world, before its answer is written: the data
     * plane follows the API synchronously, so a client that got its answer can use what it asked for.
     */
    @FunctionalInterface
    public interface AfterChange {
        AfterChange NOTHING = action -> { };

        void changed(String action);
    }

    private final Ec2Actions actions;
    private final Options options;
    private final AfterChange afterChange;
    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private Ec2QueryServer(Ec2Actions actions, Options options, AfterChange afterChange) throws IOException {
        this.actions = actions;
        this.options = options;
        this.afterChange = afterChange;
        this.http = HttpServer.create(options.bind(), 64);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /**
     * Binds and starts serving. A non-loopback address (or the wildcard) is refused unless
     * {@link Options#allowNonLoopback()}, since anyone who can reach the port can change the emulated world.
     */
    public static Ec2QueryServer start(Ec2Actions actions, Options options) throws IOException {
        return start(actions, options, AfterChange.NOTHING);
    }

    /** As {@link #start(Ec2Actions, Options)}, calling {@code afterChange} after each successful changing action. */
    public static Ec2QueryServer start(Ec2Actions actions, Options options, AfterChange afterChange) throws IOException {
        Objects.requireNonNull(actions, "actions");
        Objects.requireNonNull(afterChange, "afterChange");
        if (options.bind().isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve the listen address " + options.bind().getHostString());
        }
        if (!options.bind().getAddress().isLoopbackAddress() && !options.allowNonLoopback()) {
            throw new IllegalArgumentException("refusing to listen on " + options.bind().getAddress().getHostAddress()
                    + ": the EC2 emulator has no authentication, so it serves loopback addresses only unless allowed");
        }
        Ec2QueryServer server = new Ec2QueryServer(actions, options, afterChange);
        server.http.start();
        return server;
    }

    /** Serves an emulator: every action through its CloudNetwork side, the world's listings through its own. */
    public static Ec2QueryServer start(VpcEmulator emulator, Options options) throws IOException {
        return start(emulator, options, AfterChange.NOTHING);
    }

    /** As {@link #start(VpcEmulator, Options)}, with a data plane (or anything else) to follow each change. */
    public static Ec2QueryServer start(VpcEmulator emulator, Options options, AfterChange afterChange) throws IOException {
        Ec2Actions actions = new Ec2Actions(emulator, WorldDirectory.of(emulator));
        new Ec2VpcActions(emulator).registerInto(actions);
        return start(actions, options, afterChange);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** The endpoint to give a client, e.g. {@code http://127.0.0.1:4566}. */
    public String endpoint() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.close();
    }

    private void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        String action = "-";
        Reply reply;
        try {
            QueryParams params = params(exchange);
            action = params.optional("Action").orElse("-");
            reply = answer(params, requestId);
        } catch (CloudException e) {
            reply = Reply.error(e.code(), Ec2Responses.message(e), requestId);
        } catch (RuntimeException e) {
            // A bug or an emulator failure: the client gets EC2's InternalError and never our stack trace.
            if (options.debug()) {
                options.log().println("vpcsim: " + requestId + " internal error: " + e);
            }
            reply = Reply.error("InternalError", "An internal error has occurred", requestId);
        }
        if (options.debug()) {
            options.log().printf("vpcsim: %s %s %s %d %dms%n", exchange.getRequestMethod(), action, requestId,
                    reply.status(), (System.nanoTime() - started) / 1_000_000);
        }
        try {
            send(exchange, reply);
        } catch (IOException | UncheckedIOException e) {
            // The client went away; nothing to tell it.
        } finally {
            exchange.close();
        }
    }

    private Reply answer(QueryParams params, String requestId) {
        String action = params.optional("Action").filter(a -> !a.isEmpty()).orElseThrow(
                () -> new CloudException("MissingAction", "The request must contain the parameter Action"));
        String version = params.optional("Version").filter(v -> !v.isEmpty()).orElseThrow(
                () -> new CloudException("MissingParameter", "The request must contain the parameter Version"));
        if (!version.equals(Ec2Responses.VERSION)) {
            throw new CloudException("NoSuchVersion", "The requested version (" + version
                    + ") of service AmazonEC2 does not exist; vpcsim speaks " + Ec2Responses.VERSION);
        }
        String body = actions.run(action, params, requestId);
        if (!readOnly(action)) {
            try {
                afterChange.changed(action);
            } catch (RuntimeException e) {
                // The world changed but what follows it did not: the client must not believe it can use the change.
                options.log().println("vpcsim: " + requestId + " " + action + " succeeded but the data plane failed: " + e);
                throw new CloudException("InternalError", action + " was done but the data plane could not follow it: "
                        + e.getMessage());
            }
        }
        return new Reply(200, body);
    }

    /** EC2's read-only actions, which need no reconcile. */
    private static boolean readOnly(String action) {
        return action.startsWith("Describe") || action.startsWith("Get");
    }

    /** The query string's parameters, and for POST the form body's on top. */
    private static QueryParams params(HttpExchange exchange) {
        if (!exchange.getRequestURI().getRawPath().equals("/")) {
            throw new CloudException("InvalidURI", "vpcsim serves the EC2 Query API on / only");
        }
        QueryParams query = QueryParams.parse(exchange.getRequestURI().getRawQuery());
        return switch (exchange.getRequestMethod()) {
            case "GET" -> query;
            case "POST" -> query.with(QueryParams.parse(body(exchange)));
            default -> throw new CloudException("MethodNotAllowed",
                    "The method " + exchange.getRequestMethod() + " is not allowed; use POST or GET");
        };
    }

    private static String body(HttpExchange exchange) {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length;
        try {
            length = declared == null ? -1 : Long.parseLong(declared.strip());
        } catch (NumberFormatException e) {
            throw new CloudException("InvalidParameterValue", "bad Content-Length " + declared);
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = length > MAX_BODY_BYTES ? null : in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes == null || bytes.length > MAX_BODY_BYTES) {
                // Read a little past the limit so that the client, still sending, gets our answer and not a reset.
                drain(in);
                throw tooLarge();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = DRAIN_BYTES;
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            left -= n;
        }
    }

    private static CloudException tooLarge() {
        return new CloudException("RequestEntityTooLarge", "The request body is larger than " + MAX_BODY_BYTES + " bytes");
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", Ec2Responses.CONTENT_TYPE);
        exchange.getResponseHeaders().set("Server", "podnet-vpcsim");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private record Reply(int status, String body) {
        static Reply error(String code, String message, String requestId) {
            return new Reply(Ec2Responses.httpStatus(code), Ec2Responses.error(code, message, requestId));
        }
    }
}
