package dev.podnet.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request from the plugin to the node agent, a single JSON line on the agent socket.
 * Built from the CNI environment and configuration, so it is checked with the same rules and codes as they are:
 * the agent can trust a decoded request as much as the plugin trusted its input.
 *
 * @param netns            required by add and check; optional for del
 * @param pool             the pool to allocate from; null for the agent's default
 * @param ips              specific addresses asked for (runtimeConfig/args), with or without prefix
 * @param args             CNI_ARGS pairs (K8S_POD_NAMESPACE, K8S_POD_NAME, ...)
 * @param validAttachments gc only: the attachments to keep; null for every other op
 * @param exec             exec only: the whole plugin invocation; null for every other op
 */
public record AgentRequest(Op op, String containerId, String ifName, String netns, String pool, List<String> ips,
                           Map<String, String> args, List<Attachment> validAttachments, Exec exec) {
    /** The operations, written in lower case on the wire. */
    public enum Op {
        ADD, DEL, CHECK, GC, STATUS,
        /**
         * A whole plugin run for the agent to do in-process: the plugin forwards its environment and raw stdin and
         * passes the agent's output on, so the plugin's own process runs as little code cold as it can.
         */
        EXEC;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Op parse(String text) {
            for (Op op : values()) {
                if (op.wire().equals(text)) {
                    return op;
                }
            }
            return null;
        }
    }

    /**
     * The plugin's CNI_* environment and stdin bytes (not decoded: the agent decodes them exactly as the plugin
     * would), and the socket the plugin found in {@code ipam.agentSocket}: the agent serves only a configuration
     * that names the socket the plugin used, so a wrong guess can never make it answer for another agent.
     */
    public record Exec(String agentSocket, Map<String, String> env, byte[] stdin) {
        public Exec {
            if (agentSocket == null || env == null || stdin == null) {
                throw new CniException(CniException.DECODING_FAILURE, "invalid agent request",
                        "exec needs agentSocket, env and stdin");
            }
            if (agentSocket.isEmpty() || agentSocket.charAt(0) != '/') {
                throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid agent request",
                        "exec needs the absolute agentSocket the plugin connected to, got \"" + agentSocket + "\"");
            }
            for (Map.Entry<String, String> e : env.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new CniException(CniException.DECODING_FAILURE, "invalid agent request", "exec env has a null");
                }
            }
            env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
            stdin = stdin.clone();
        }

        @Override
        public byte[] stdin() {
            return stdin.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Exec e && agentSocket.equals(e.agentSocket) && env.equals(e.env)
                    && Arrays.equals(stdin, e.stdin);
        }

        @Override
        public int hashCode() {
            return (agentSocket.hashCode() * 31 + env.hashCode()) * 31 + Arrays.hashCode(stdin);
        }

        @Override
        public String toString() {
            return "Exec[agentSocket=" + agentSocket + ", env=" + env + ", stdin=" + stdin.length + " bytes]";
        }
    }

    /** Every op but exec. */
    public AgentRequest(Op op, String containerId, String ifName, String netns, String pool, List<String> ips,
                        Map<String, String> args, List<Attachment> validAttachments) {
        this(op, containerId, ifName, netns, pool, ips, args, validAttachments, null);
    }

    public AgentRequest {
        if (op == null) {
            throw new CniException(CniException.DECODING_FAILURE, "invalid agent request", "op is required");
        }
        if (op == Op.EXEC && exec == null) {
            throw new CniException(CniException.DECODING_FAILURE, "invalid agent request", "exec needs agentSocket, env and stdin");
        }
        exec = op == Op.EXEC ? exec : null;
        pool = CniResult.emptyToNull(pool);
        netns = CniResult.emptyToNull(netns);
        ips = ips == null ? List.of() : List.copyOf(ips);
        args = Collections.unmodifiableMap(new LinkedHashMap<>(args == null ? Map.of() : args));
        boolean attachment = op == Op.ADD || op == Op.DEL || op == Op.CHECK;
        if (attachment) {
            if (containerId == null || containerId.isEmpty() || ifName == null || ifName.isEmpty()) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid agent request",
                        op.wire() + " needs containerId and ifName");
            }
            CniEnv.validateContainerId(containerId, "containerId");
            CniEnv.validateIfName(ifName, "ifName");
            if (netns == null && op != Op.DEL) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid agent request", op.wire() + " needs netns");
            }
        } else {
            // gc, status and exec concern the whole node or carry their own input: identity fields would only
            // invite misreading.
            containerId = null;
            ifName = null;
            netns = null;
        }
        if (op == Op.EXEC) {
            pool = null;
            ips = List.of();
            args = Map.of();
        }
        for (String ip : ips) {
            if (IpText.parseAddress(ip) == null && IpText.parsePrefixed(ip) == null) {
                throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid agent request",
                        "\"" + ip + "\" is not an IP address");
            }
        }
        if (op == Op.GC && validAttachments == null) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid agent request",
                    "gc needs validAttachments");
        }
        validAttachments = op == Op.GC ? List.copyOf(validAttachments) : null;
    }

    public static AgentRequest add(String containerId, String ifName, String netns, String pool, List<String> ips,
                                   Map<String, String> args) {
        return new AgentRequest(Op.ADD, containerId, ifName, netns, pool, ips, args, null);
    }

    public static AgentRequest del(String containerId, String ifName, String netns, String pool, Map<String, String> args) {
        return new AgentRequest(Op.DEL, containerId, ifName, netns, pool, List.of(), args, null);
    }

    public static AgentRequest check(String containerId, String ifName, String netns, String pool, Map<String, String> args) {
        return new AgentRequest(Op.CHECK, containerId, ifName, netns, pool, List.of(), args, null);
    }

    public static AgentRequest gc(String pool, List<Attachment> validAttachments) {
        return new AgentRequest(Op.GC, null, null, null, pool, List.of(), Map.of(), validAttachments);
    }

    public static AgentRequest status() {
        return new AgentRequest(Op.STATUS, null, null, null, null, List.of(), Map.of(), null);
    }

    public static AgentRequest exec(String agentSocket, Map<String, String> env, byte[] stdin) {
        return new AgentRequest(Op.EXEC, null, null, null, null, List.of(), Map.of(), null,
                new Exec(agentSocket, env, stdin));
    }
}
