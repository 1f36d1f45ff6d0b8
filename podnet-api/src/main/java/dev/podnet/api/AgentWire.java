package dev.podnet.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent socket's framing and codec: one JSON object per line, each way. Encoded lines never contain a raw newline
 * (the generator escapes control characters), and a line longer than {@link #MAX_LINE_BYTES} is refused before it is
 * parsed, so a confused or hostile peer costs at most 64 KiB.
 */
public final class AgentWire {
    public static final int MAX_LINE_BYTES = 64 * 1024;
    /**
     * The most a caller may allow with the explicit-limit overloads. A status reply lists every allocation
     * (about 110 bytes each), so on a node with hundreds of pods the introspection client needs more than 64 KiB;
     * the plugin never does.
     */
    public static final int MAX_ALLOWED_LINE_BYTES = 1 << 20;
    private static final String BAD_REQUEST = "invalid agent request";
    private static final String BAD_REPLY = "invalid agent reply";

    private AgentWire() {
    }

    /** The request as one line, newline included. */
    public static byte[] encode(AgentRequest request) {
        try (JsonOut out = new JsonOut()) {
            out.startObject();
            out.string("op", request.op().wire());
            out.stringIfPresent("containerId", request.containerId());
            out.stringIfPresent("ifName", request.ifName());
            out.stringIfPresent("netns", request.netns());
            out.stringIfPresent("pool", request.pool());
            out.stringsIfPresent("ips", request.ips());
            if (!request.args().isEmpty()) {
                out.field("args");
                out.startObject();
                for (Map.Entry<String, String> arg : request.args().entrySet()) {
                    out.string(arg.getKey(), arg.getValue());
                }
                out.endObject();
            }
            if (request.validAttachments() != null) {
                out.field("validAttachments");
                out.gen.writeStartArray();
                for (Attachment attachment : request.validAttachments()) {
                    out.startObject();
                    out.string("containerID", attachment.containerId());
                    out.string("ifname", attachment.ifName());
                    out.endObject();
                }
                out.gen.writeEndArray();
            }
            if (request.exec() != null) {
                out.string("agentSocket", request.exec().agentSocket());
                out.field("env");
                out.startObject();
                for (Map.Entry<String, String> variable : request.exec().env().entrySet()) {
                    out.string(variable.getKey(), variable.getValue());
                }
                out.endObject();
                out.binary("stdin", request.exec().stdin());
            }
            out.endObject();
            return line(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reply as {@link LineServer} sends it: the line without its newline, which the server adds. */
    public static String replyLine(AgentReply reply) {
        return new String(encode(reply), StandardCharsets.UTF_8).stripTrailing();
    }

    /** The reply to a request line longer than the protocol allows, for {@link LineServer}. */
    public static String tooLongReply(String problem) {
        return replyLine(new AgentReply.Failure(CniException.DECODING_FAILURE, problem, ""));
    }

    /** The reply as one line, newline included. */
    public static byte[] encode(AgentReply reply) {
        try (JsonOut out = new JsonOut()) {
            out.startObject();
            out.bool("ok", reply.ok());
            if (reply instanceof AgentReply.Success success && success.result() != null) {
                out.field("result");
                ResultCodec.write(out, success.result(), success.result().cniVersion());
                if (success.routeTable() != null) {
                    out.number("routeTable", success.routeTable());
                }
                out.stringsIfPresent("vpcCidrs", success.vpcCidrs());
            } else if (reply instanceof AgentReply.Failure failure) {
                out.field("error");
                out.startObject();
                out.number("code", failure.code());
                out.string("msg", failure.msg());
                out.stringIfPresent("details", failure.details());
                out.endObject();
            } else if (reply instanceof AgentReply.Status status) {
                out.field("status");
                AgentStatusCodec.write(out, status);
            } else if (reply instanceof AgentReply.Exec exec) {
                out.field("exec");
                out.startObject();
                out.number("exit", exec.exit());
                out.binary("stdout", exec.stdout());
                if (exec.stderr().length > 0) {
                    out.binary("stderr", exec.stderr());
                }
                out.endObject();
            }
            out.endObject();
            return line(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Requests may be as long as a plugin's stdin allows: a GC list of a busy node passes 64 KiB. */
    public static AgentRequest decodeRequest(byte[] line) {
        try (JsonIn in = open(line, MAX_ALLOWED_LINE_BYTES)) {
            String op = null;
            String containerId = null;
            String ifName = null;
            String netns = null;
            String pool = null;
            List<String> ips = List.of();
            Map<String, String> args = Map.of();
            List<Attachment> valid = null;
            String agentSocket = null;
            Map<String, String> env = null;
            byte[] stdin = null;
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                switch (field) {
                    case "op" -> op = in.string();
                    case "containerId" -> containerId = in.string();
                    case "ifName" -> ifName = in.string();
                    case "netns" -> netns = in.string();
                    case "pool" -> pool = in.string();
                    case "ips" -> ips = in.strings();
                    case "args" -> args = readArgs(in);
                    case "validAttachments" -> valid = NetConfDecoder.readAttachments(in);
                    case "agentSocket" -> agentSocket = in.string();
                    case "env" -> env = readArgs(in);
                    case "stdin" -> stdin = in.binary();
                    default -> in.skip();
                }
            }
            in.finish();
            AgentRequest.Op parsed = AgentRequest.Op.parse(op);
            if (parsed == null) {
                throw new CniException(CniException.DECODING_FAILURE, BAD_REQUEST,
                        "op must be add, del, check, gc, status or exec, got " + (op == null ? "nothing" : "\"" + op + "\""));
            }
            AgentRequest.Exec exec = parsed == AgentRequest.Op.EXEC ? new AgentRequest.Exec(agentSocket, env, stdin) : null;
            return new AgentRequest(parsed, containerId, ifName, netns, pool, ips, args, valid, exec);
        }
    }

    public static AgentReply decodeReply(byte[] line) {
        return decodeReply(line, MAX_LINE_BYTES);
    }

    /** As {@link #decodeReply(byte[])}, for a caller that expects large status replies. */
    public static AgentReply decodeReply(byte[] line, int maxBytes) {
        try (JsonIn in = open(line, maxBytes)) {
            Boolean ok = null;
            CniResult result = null;
            AgentReply.Failure failure = null;
            AgentReply.Status status = null;
            AgentReply.Exec exec = null;
            Integer routeTable = null;
            List<String> vpcCidrs = List.of();
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                switch (field) {
                    case "ok" -> ok = in.bool();
                    case "exec" -> exec = in.objectOrNull("an object") ? readExec(in) : null;
                    case "result" -> result = in.objectOrNull("an object") ? ResultCodec.read(in, CniVersion.CURRENT) : null;
                    case "error" -> failure = in.objectOrNull("an object") ? readFailure(in) : null;
                    case "status" -> status = in.objectOrNull("an object") ? AgentStatusCodec.read(in) : null;
                    case "routeTable" -> routeTable = in.integer();
                    case "vpcCidrs" -> vpcCidrs = in.strings();
                    default -> in.skip();
                }
            }
            in.finish();
            if (ok == null) {
                throw new CniException(CniException.DECODING_FAILURE, BAD_REPLY, "ok is required");
            }
            if (!ok) {
                if (failure == null) {
                    throw new CniException(CniException.DECODING_FAILURE, BAD_REPLY, "ok is false but there is no error");
                }
                return failure;
            }
            if (failure != null) {
                throw new CniException(CniException.DECODING_FAILURE, BAD_REPLY, "ok is true but there is an error");
            }
            if (routeTable != null && (routeTable < 1 || result == null)) {
                throw new CniException(CniException.DECODING_FAILURE, BAD_REPLY,
                        "routeTable must be positive and come with a result, got " + routeTable);
            }
            if (!vpcCidrs.isEmpty() && routeTable == null) {
                throw new CniException(CniException.DECODING_FAILURE, BAD_REPLY, "vpcCidrs must come with a routeTable");
            }
            if (exec != null || status != null) {
                return exec != null ? exec : status;
            }
            try {
                return new AgentReply.Success(result, routeTable, vpcCidrs);
            } catch (IllegalArgumentException e) {
                throw new CniException(CniException.DECODING_FAILURE, BAD_REPLY, e.getMessage());
            }
        }
    }

    /**
     * Reads one line (without its newline) of at most {@link #MAX_LINE_BYTES}; null at end of stream before any
     * byte. A peer that closes mid-line, or a stream that fails, is code 5; an over-long line is code 6.
     */
    public static byte[] readLine(InputStream in) {
        return readLine(in, MAX_LINE_BYTES);
    }

    /** As {@link #readLine(InputStream)} with another limit, at most {@link #MAX_ALLOWED_LINE_BYTES}. */
    public static byte[] readLine(InputStream in, int maxBytes) {
        checkLimit(maxBytes);
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (line.size() == 0) {
                        return null;
                    }
                    throw new CniException(CniException.IO_FAILURE, "agent connection closed mid-message",
                            "read " + line.size() + " bytes without a newline");
                }
                if (b == '\n') {
                    return line.toByteArray();
                }
                if (line.size() >= maxBytes) {
                    throw tooLong(maxBytes);
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "cannot read from the agent socket", String.valueOf(e.getMessage()));
        }
    }

    private static JsonIn open(byte[] line, int maxBytes) {
        checkLimit(maxBytes);
        int length = line.length;
        while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) {
            length--;
        }
        if (length > maxBytes) {
            throw tooLong(maxBytes);
        }
        return JsonIn.openObject(line, 0, length);
    }

    private static void checkLimit(int maxBytes) {
        if (maxBytes <= 0 || maxBytes > MAX_ALLOWED_LINE_BYTES) {
            throw new IllegalArgumentException("line limit must be 1.." + MAX_ALLOWED_LINE_BYTES + ", got " + maxBytes);
        }
    }

    private static CniException tooLong(int maxBytes) {
        return new CniException(CniException.DECODING_FAILURE, "agent message too long",
                "a line may hold at most " + maxBytes + " bytes");
    }

    private static byte[] line(JsonOut out) {
        byte[] json = out.toBytes();
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    private static Map<String, String> readArgs(JsonIn in) {
        Map<String, String> args = new LinkedHashMap<>();
        if (in.objectOrNull("an object")) {
            for (String key = in.nextField(); key != null; key = in.nextField()) {
                String value = in.string();
                if (value == null) {
                    throw in.typeError("a string");
                }
                args.put(key, value);
            }
        }
        return args;
    }

    private static AgentReply.Exec readExec(JsonIn in) {
        Integer exit = null;
        byte[] stdout = null;
        byte[] stderr = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "exit" -> exit = in.integer();
                case "stdout" -> stdout = in.binary();
                case "stderr" -> stderr = in.binary();
                default -> in.skip();
            }
        }
        if (exit == null) {
            throw in.invalid(CniException.DECODING_FAILURE, BAD_REPLY, "exec.exit is required");
        }
        return new AgentReply.Exec(exit, stdout, stderr);
    }

    private static AgentReply.Failure readFailure(JsonIn in) {
        Integer code = null;
        String msg = null;
        String details = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "code" -> code = in.integer();
                case "msg" -> msg = in.string();
                case "details" -> details = in.string();
                default -> in.skip();
            }
        }
        if (code == null || code <= 0) {
            throw in.invalid(CniException.DECODING_FAILURE, BAD_REPLY, "error.code must be a positive integer");
        }
        return new AgentReply.Failure(code, msg, details);
    }
}
