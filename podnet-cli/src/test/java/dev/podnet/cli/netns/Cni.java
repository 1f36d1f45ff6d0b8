package dev.podnet.cli.netns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs CNI plugins as a container runtime does: CNI_* environment, the network configuration on stdin, the
 * result or error on stdout. Every run happens inside the test's node namespace, so the links a reference plugin
 * creates on the host side (bridge, veth ends, routes) live there and never in the root namespace.
 */
final class Cni {
    /** A plugin run takes well under a second; the bound only stops a hung run from hanging the build. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Netns net;
    private final String node;
    private final String cniPath;
    private final Path mainPlugin;

    /** @param node the namespace to run the plugins in (the "node" of the test) */
    Cni(Netns net, String node, PodnetIpamPlugin plugin) {
        this.net = net;
        this.node = node;
        this.cniPath = plugin.cniPath();
        this.mainPlugin = plugin.mainPlugin();
    }

    /** A pod: its namespace and the container id the runtime uses for it. */
    record Pod(String ns, String containerId) {
    }

    /** One plugin run. */
    record Outcome(String call, int exit, String out, String err) {
        /** The CNI result of a successful ADD; fails the test unless the run succeeded with a JSON result. */
        JsonNode result() {
            succeeded();
            return Netns.json(out);
        }

        /** Fails the test unless the run exited 0. */
        Outcome succeeded() {
            if (exit != 0) {
                throw new AssertionError(this + " failed");
            }
            return this;
        }

        /** The CNI error object of a failed run; fails the test unless it exited 1 with {@code {"code":N,"msg":...}}. */
        JsonNode error() {
            if (exit != 1) {
                throw new AssertionError(this + ": expected a CNI error (exit 1)");
            }
            JsonNode error = Netns.json(out);
            if (!error.path("code").isInt() || error.path("code").asInt() <= 0 || !error.path("msg").isTextual()) {
                throw new AssertionError(this + ": stdout is not a CNI error object");
            }
            return error;
        }

        @Override
        public String toString() {
            return call + " (exit " + exit + ")\nstdout: " + out + "\nstderr: " + err;
        }
    }

    /** Runs reference plugin {@code type} (/usr/lib/cni/TYPE) for {@code pod}'s eth0. */
    Outcome run(String type, String command, Pod pod, String conf) {
        return run(Netns.REFERENCE_PLUGINS.resolve(type), command, pod, "eth0", conf);
    }

    Outcome add(String type, Pod pod, String conf) {
        return run(type, "ADD", pod, conf);
    }

    Outcome del(String type, Pod pod, String conf) {
        return run(type, "DEL", pod, conf);
    }

    /** CHECK with {@code prevResult} set to the result ADD returned, as a runtime sends it. */
    Outcome check(String type, Pod pod, String conf, JsonNode prevResult) {
        return run(type, "CHECK", pod, withPrevResult(conf, prevResult));
    }

    /** Runs podnet's main plugin {@code podnet} (installed as install-cni installs it) for {@code pod}'s eth0. */
    Outcome podnet(String command, Pod pod, String conf) {
        return run(mainPlugin, command, pod, "eth0", conf);
    }

    /** Runs the plugin executable {@code plugin} inside the node namespace. */
    Outcome run(Path plugin, String command, Pod pod, String ifName, String conf) {
        return run(plugin, command, pod.containerId(), net.path(pod.ns()).toString(), ifName, conf);
    }

    /** As above, with CNI_NETNS as given: a path whose namespace may be gone already. */
    Outcome run(Path plugin, String command, String containerId, String netns, String ifName, String conf) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", node, plugin.toString()));
        String call = command + " " + plugin.getFileName() + " " + containerId + "/" + ifName + " in " + netns;
        return run(call, argv, env(command, containerId, netns, ifName, cniPath), conf);
    }

    /**
     * Runs an IPAM plugin directly, outside any namespace: pure IPAM changes no link, and {@code netns} may be any
     * path (the plugin only passes it on).
     */
    static Outcome runIpam(Path plugin, String cniPath, String command, String containerId, String netns, String conf,
                           Duration timeout) {
        String call = command + " " + plugin.getFileName() + " " + containerId + "/eth0";
        Processes.Result r = Processes.run(List.of(plugin.toString()), env(command, containerId, netns, "eth0", cniPath),
                conf, timeout);
        return new Outcome(call, r.exit(), r.out(), r.err());
    }

    private static Outcome run(String call, List<String> argv, Map<String, String> env, String conf) {
        Processes.Result r = Processes.run(argv, env, conf, TIMEOUT);
        return new Outcome(call, r.exit(), r.out(), r.err());
    }

    private static Map<String, String> env(String command, String containerId, String netns, String ifName, String cniPath) {
        return Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", containerId, "CNI_NETNS", netns,
                "CNI_IFNAME", ifName, "CNI_PATH", cniPath);
    }

    static String withPrevResult(String conf, JsonNode prevResult) {
        ObjectNode node = (ObjectNode) Netns.json(conf);
        node.set("prevResult", prevResult);
        return node.toString();
    }

    /** The addresses ({@code "10.1.2.3/24"}) of a CNI result, in its order. */
    static List<String> addresses(JsonNode result) {
        List<String> out = new ArrayList<>();
        result.path("ips").forEach(ip -> out.add(ip.path("address").asText()));
        return out;
    }

    /** An address without its prefix length. */
    static String host(String cidr) {
        int slash = cidr.indexOf('/');
        return slash < 0 ? cidr : cidr.substring(0, slash);
    }
}
