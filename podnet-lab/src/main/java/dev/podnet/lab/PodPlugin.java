package dev.podnet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.linux.Exec;
import dev.podnet.linux.Namespaces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code podnet} main plugin run exactly as a container runtime runs it: CNI_* in the environment, the network
 * configuration on stdin, the result (or error) on stdout.
 */
final class PodPlugin {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The CNI error code for "try again later": the agent's warm pool is still filling. */
    private static final int TRY_AGAIN = 11;

    private final Path plugin;
    private final Exec exec;

    PodPlugin(Path plugin, Exec exec) {
        this.plugin = plugin;
        this.exec = exec;
    }

    /** The plugin in {@code mode} on the node's agent, whose cloud pool is named vpc. */
    static String config(Path agentSocket, String mode) {
        return """
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","mode":"%s","mtu":9001,
                 "ipam":{"type":"podnet-ipam","agentSocket":"%s","pool":"vpc"}}""".formatted(mode, agentSocket);
    }

    /** ADD, again while the agent answers "try again later", until {@code patience} runs out; the CNI result. */
    JsonNode add(String netns, String containerId, String conf, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Exec.Result r = run("ADD", netns, containerId, conf);
            JsonNode out = parse(r.out());
            if (r.ok()) {
                return out;
            }
            if (out.path("code").asInt() != TRY_AGAIN || System.nanoTime() > deadline) {
                throw new LabException("CNI ADD " + containerId + " failed: " + r.out().strip() + " "
                        + r.err().strip());
            }
            Thread.sleep(200);
        }
    }

    /** DEL with the ADD's result as prevResult, as a runtime sends it; the error text, empty when it worked. */
    String del(String netns, String containerId, String conf, JsonNode addResult) {
        return withPrevResult("DEL", netns, containerId, conf, addResult);
    }

    /** CHECK, the same way; the error text, empty when the attachment is as ADD made it. */
    String check(String netns, String containerId, String conf, JsonNode addResult) {
        return withPrevResult("CHECK", netns, containerId, conf, addResult);
    }

    private String withPrevResult(String command, String netns, String containerId, String conf, JsonNode addResult) {
        ObjectNode withPrev = (ObjectNode) parse(conf);
        withPrev.set("prevResult", addResult);
        Exec.Result r = run(command, netns, containerId, withPrev.toString());
        return r.ok() ? "" : r.out().strip() + " " + r.err().strip();
    }

    /** The addresses of a CNI result, without their prefix lengths. */
    static List<String> addresses(JsonNode result) {
        List<String> ips = new ArrayList<>();
        result.path("ips").forEach(ip -> ips.add(ip.path("address").asText().replaceFirst("/.*", "")));
        return ips;
    }

    private Exec.Result run(String command, String netns, String containerId, String conf) {
        // Exec takes argv and stdin only: the CNI variables go through env(1), on top of this process's environment.
        List<String> argv = List.of("env", "CNI_COMMAND=" + command, "CNI_CONTAINERID=" + containerId,
                "CNI_NETNS=" + Namespaces.NETNS_DIR.resolve(netns), "CNI_IFNAME=eth0",
                "CNI_PATH=" + plugin.getParent(), plugin.toString());
        return exec.run(argv, conf);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text.isBlank() ? "{}" : text);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode().put("msg", text);
        }
    }
}
