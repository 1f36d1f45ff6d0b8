package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.linux.EniRouting;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.ProcessExec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main plugin {@code podnet} in ipvlan mode, run through its native executable with a node agent in the test's
 * node namespace. The node has an ENI-like link: one end of a veth pair whose other end is the "VPC" (a namespace
 * holding the subnet's router), set up by the agent's own {@link EniRouting} as a secondary ENI with route table 7,
 * and a pool on that table; the plugin finds the ENI's link from the allocation's table, with no {@code master} key.
 */
@Tag("netns")
@ExtendWith(Netns.Required.class)
class IpvlanNetnsTest {
    private static final String ENI = "pne1";
    private static final String SUBNET = "10.205.7.0/24";
    private static final String ROUTER = "10.205.7.1";

    @RegisterExtension
    static final PodnetIpamPlugin PLUGIN = new PodnetIpamPlugin();
    @RegisterExtension
    final Netns net = new Netns();
    @TempDir
    Path dir;

    private static String conf(Path socket) {
        return """
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","mode":"ipvlan",
                 "ipam":{"type":"podnet-ipam","agentSocket":"%s","pool":"vpc"}}""".formatted(socket);
    }

    /** A node whose ENI {@link #ENI} leads to a namespace holding the subnet's router, routed by table 7. */
    private String node() {
        String node = net.add("node");
        String vpc = net.add("vpc");
        net.ipOk(node, "link", "add", ENI, "address", "02:00:0a:cd:07:0a", "type", "veth", "peer", "name", "pne1v",
                "netns", vpc);
        net.ipOk(vpc, "addr", "add", ROUTER + "/24", "dev", "pne1v");
        net.ipOk(vpc, "link", "set", "pne1v", "up");
        // no IPv6 link-local address, which the kernel adds (and routes) at a moment of its own after the link is up
        net.ipOk(node, "link", "set", ENI, "addrgenmode", "none");
        new EniRouting(new ProcessExec(), NetNamespace.named(node))
                .configure(new EniRouting.Spec("02:00:0a:cd:07:0a", 7, SUBNET)).orElseThrow();
        return node;
    }

    /** What of the node an attachment could change: its links' names, its routes of every table, its rules. */
    private List<String> nodeState(String node) {
        List<String> state = new ArrayList<>();
        Netns.json(net.ipOk(node, "-j", "link").out()).forEach(l -> state.add(l.path("ifname").asText()));
        state.addAll(List.of(net.ipOk(node, "route", "show", "table", "all").out(), net.ipOk(node, "rule").out(),
                net.ipOk(node, "-6", "rule").out()));
        return state;
    }

    @Test
    void twoPodsOnTheEniReachEachOtherAndTheRouterCheckNamesAMissingRouteDelLeavesNothing() throws Exception {
        String node = node();
        net.assumeKernelSupports(node, ENI, "ipvlan", "l2");
        List<String> before = nodeState(node);
        try (TestAgent.NodeAgent agent = TestAgent.startIn(net, node, dir, "vpc=" + SUBNET + ",table=7")) {
            Cni cni = new Cni(net, node, PLUGIN);
            String conf = conf(agent.socket());
            Cni.Pod pod1 = new Cni.Pod(net.add("pod1"), net.prefix() + "-c1");
            Cni.Pod pod2 = new Cni.Pod(net.add("pod2"), net.prefix() + "-c2");

            JsonNode r1 = cni.podnet("ADD", pod1, conf).result();
            JsonNode r2 = cni.podnet("ADD", pod2, conf).result();
            String a1 = Cni.addresses(r1).getFirst();
            String a2 = Cni.addresses(r2).getFirst();
            assertThat(a1).startsWith("10.205.7.").endsWith("/24").isNotEqualTo(a2);
            // the result: the pod's interface alone, the address on it with the subnet's router as its gateway
            assertThat(r1.path("interfaces")).hasSize(1);
            assertThat(r1.path("interfaces").get(0).path("name").asText()).isEqualTo("eth0");
            assertThat(r1.path("interfaces").get(0).path("sandbox").asText()).isEqualTo(net.path(pod1.ns()).toString());
            assertThat(r1.path("ips").get(0).path("interface").asInt()).isZero();
            assertThat(r1.path("ips").get(0).path("gateway").asText()).isEqualTo(ROUTER);
            assertThat(r1.path("routes").get(0).path("dst").asText()).isEqualTo("0.0.0.0/0");
            assertThat(net.ipOk(pod1.ns(), "-d", "link", "show", "eth0").out()).contains("ipvlan", "mode l2");
            assertThat(net.globalCidrs(pod1.ns(), "eth0")).containsExactly(a1);
            assertThat(net.ipOk(pod1.ns(), "route", "show", "default").out()).contains("via " + ROUTER + " dev eth0");

            net.assertPings(pod1.ns(), Cni.host(a2));
            net.assertPings(pod2.ns(), Cni.host(a1));
            net.assertPings(pod1.ns(), ROUTER); // out through the ENI

            cni.podnet("CHECK", pod1, Cni.withPrevResult(conf, r1)).succeeded();
            net.ipOk(pod1.ns(), "route", "del", "default");
            JsonNode error = cni.podnet("CHECK", pod1, Cni.withPrevResult(conf, r1)).error();
            assertThat(error.path("msg").asText()).contains("the route 0.0.0.0/0 via " + ROUTER + " is missing");

            cni.podnet("DEL", pod1, Cni.withPrevResult(conf, r1)).succeeded();
            cni.podnet("DEL", pod1, Cni.withPrevResult(conf, r1)).succeeded();
            assertThat(net.ipOk(pod1.ns(), "-o", "link").out()).doesNotContain("eth0", "pnv");
            // a pod whose namespace is gone before DEL: its addresses come back all the same
            String gone = net.path(pod2.ns()).toString();
            net.remove(pod2.ns());
            cni.run(PLUGIN.mainPlugin(), "DEL", pod2.containerId(), gone, "eth0", conf).succeeded();
            assertThat(TestAgentStatus.allocations(agent.socket())).isEmpty();
            assertThat(nodeState(node)).isEqualTo(before);
        }
    }

    /**
     * Where the kernel has no ipvlan (this test's complement above then skips), ADD fails with a CNI error that quotes
     * the kernel, gives the address back and leaves no link.
     */
    @Test
    void withoutIpvlanInTheKernelAddFailsWithTheKernelsMessageReleasesTheAddressAndLeavesNothing() throws Exception {
        String node = node();
        Optional<String> kernel = net.cannotCreate(node, ENI, "ipvlan", "l2");
        Assumptions.assumeTrue(kernel.isPresent(), "this kernel has ipvlan: the test above runs instead");
        List<String> before = nodeState(node);
        try (TestAgent.NodeAgent agent = TestAgent.startIn(net, node, dir, "vpc=" + SUBNET + ",table=7")) {
            Cni cni = new Cni(net, node, PLUGIN);
            String conf = conf(agent.socket());
            Cni.Pod pod = new Cni.Pod(net.add("pod1"), net.prefix() + "-c1");

            JsonNode error = cni.podnet("ADD", pod, conf).error();
            assertThat(error.path("code").asInt()).isEqualTo(999);
            assertThat(error.path("msg").asText()).contains("podnet ADD failed for eth0", "the kernel refused a change");
            // the master came from table 7, and the kernel's own words are in the error
            assertThat(error.path("details").asText()).contains("link add link " + ENI + " name pnv", "type ipvlan mode l2",
                    kernel.orElseThrow());

            assertThat(TestAgentStatus.allocations(agent.socket())).isEmpty();
            assertThat(net.ipOk(pod.ns(), "-o", "link").out().strip().lines()).hasSize(1); // lo only
            assertThat(nodeState(node)).isEqualTo(before);
            cni.podnet("DEL", pod, conf).succeeded();
        }
    }
}
