package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.linux.RoutedVeth;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A test's node namespace for the main plugin in routed mode, and what it holds for pods, read with {@code ip -j}:
 * host routes, the policy rules at the routed mode's two priorities, and host veths.
 *
 * @param ns the namespace's full name
 */
record RoutedNode(Netns net, String ns) {
    /** A host route ({@code /32}, {@code /128}) to a pod: {@code ADDRESS dev DEV}. */
    record HostRoute(String address, String dev) {
    }

    /** A rule naming a pod address: "to ADDRESS lookup main" at 512, "from ADDRESS lookup TABLE" at 1536. */
    record PodRule(int priority, String address, String table) {
    }

    /** A node namespace that forwards, with an address of each family on lo to ping. */
    static RoutedNode create(Netns net) {
        String node = net.add("node");
        net.ipOk(node, "addr", "add", "10.203.255.1/32", "dev", "lo");
        net.ipOk(node, "addr", "add", "fd00:203:ff::1/128", "dev", "lo");
        net.execOk(node, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        return new RoutedNode(net, node);
    }

    /** The network configuration of the main plugin in routed mode, with addresses from pool "vpc" of the agent. */
    static String conf(Path socket) {
        return """
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","mode":"routed","mtu":9001,
                 "ipam":{"type":"podnet-ipam","agentSocket":"%s","pool":"vpc"}}""".formatted(socket);
    }

    /** Every host route of either family to somewhere other than lo: only pods have those here. */
    List<HostRoute> hostRoutes() {
        List<HostRoute> out = new ArrayList<>();
        for (String family : List.of("-4", "-6")) {
            for (JsonNode r : Netns.json(net.ipOk(ns, "-j", family, "route", "show").out())) {
                String dst = r.path("dst").asText();
                if (!dst.contains("/") && !dst.equals("default") && !r.path("dev").asText().equals("lo")) {
                    out.add(new HostRoute(dst, r.path("dev").asText()));
                }
            }
        }
        return out;
    }

    /** Every rule of either family at the routed mode's priorities. */
    List<PodRule> podRules() {
        List<PodRule> out = new ArrayList<>();
        for (String family : List.of("-4", "-6")) {
            for (JsonNode r : Netns.json(net.ipOk(ns, "-j", family, "rule", "show").out())) {
                int priority = r.path("priority").asInt();
                if (priority == RoutedVeth.TO_POD_PRIORITY) {
                    out.add(new PodRule(priority, r.path("dst").asText(), r.path("table").asText()));
                } else if (priority == RoutedVeth.FROM_POD_PRIORITY) {
                    out.add(new PodRule(priority, r.path("src").asText(), r.path("table").asText()));
                }
            }
        }
        return out;
    }

    /** The veths of the node namespace by interface index. */
    Map<Integer, String> veths() {
        Map<Integer, String> out = new TreeMap<>();
        for (JsonNode l : Netns.json(net.ipOk(ns, "-j", "link", "show", "type", "veth").out())) {
            out.put(l.path("ifindex").asInt(), l.path("ifname").asText());
        }
        return out;
    }

    /**
     * A pod's eth0 as the node sees it.
     *
     * @param hostEnd   the index of its host end in this node namespace
     * @param addresses its global addresses, without prefix length
     */
    record PodEnd(int hostEnd, List<String> addresses) {
    }

    /** {@code pod}'s eth0, in one {@code ip} run; empty when the pod has none. */
    Optional<PodEnd> podEnd(String pod) {
        Processes.Result r = net.ip(pod, "-j", "addr", "show", "dev", "eth0");
        if (r.exit() != 0) {
            return Optional.empty();
        }
        JsonNode eth0 = Netns.json(r.out()).get(0);
        List<String> addresses = new ArrayList<>();
        eth0.path("addr_info").forEach(a -> {
            if (a.path("scope").asText().equals("global")) {
                addresses.add(a.path("local").asText());
            }
        });
        return Optional.of(new PodEnd(eth0.path("link_index").asInt(), addresses));
    }

    /** No pod is left on the node: no host veth, host route or rule of the routed mode. */
    void assertNoPodLeft() {
        assertThat(veths()).as("veths in " + ns).isEmpty();
        assertThat(hostRoutes()).as("host routes in " + ns).isEmpty();
        assertThat(podRules()).as("pod rules in " + ns).isEmpty();
    }
}
