package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main plugin {@code podnet} in routed mode, installed as install-cni installs it and run through its native
 * executable, with a node agent running in the test's node namespace: veth pairs, /32 and /128 host routes,
 * link-local gateways with permanent neighbours, and per-ENI policy rules, checked from outside with ip and ping.
 */
@Tag("netns")
@ExtendWith(Netns.Required.class)
class RoutedNetnsTest {
    @RegisterExtension
    static final PodnetIpamPlugin PLUGIN = new PodnetIpamPlugin();
    @RegisterExtension
    final Netns net = new Netns();
    @TempDir
    Path dir;

    @Test
    void dualStackPodsReachEachOtherAndTheNodeCheckNamesAMissingRouteDelLeavesNothing() throws Exception {
        RoutedNode routed = RoutedNode.create(net);
        String node = routed.ns();
        try (TestAgent.NodeAgent agent = TestAgent.startIn(net, node, dir, "vpc=10.203.5.0/24,fd00:203:5::/120")) {
            Cni cni = new Cni(net, node, PLUGIN);
            String conf = RoutedNode.conf(agent.socket());
            Cni.Pod pod1 = new Cni.Pod(net.add("pod1"), net.prefix() + "-c1");
            Cni.Pod pod2 = new Cni.Pod(net.add("pod2"), net.prefix() + "-c2");

            JsonNode r1 = cni.podnet("ADD", pod1, conf).result();
            JsonNode r2 = cni.podnet("ADD", pod2, conf).result();
            List<String> a1 = Cni.addresses(r1);
            List<String> a2 = Cni.addresses(r2);
            assertThat(a1).hasSize(2).allMatch(a -> a.endsWith("/32") || a.endsWith("/128"));
            assertThat(a2).hasSize(2).doesNotContainAnyElementsOf(a1);
            String v4a = Cni.host(a1.get(0));
            String v6a = Cni.host(a1.get(1));
            String v4b = Cni.host(a2.get(0));
            String v6b = Cni.host(a2.get(1));
            assertThat(v4a).startsWith("10.203.5.");
            assertThat(v6a).startsWith("fd00:203:5::");
            // the result: host veth first, then the pod's interface in its sandbox, addresses on the latter
            String hostVeth = r1.path("interfaces").get(0).path("name").asText();
            assertThat(hostVeth).matches("eni[0-9a-f]{11}");
            assertThat(r1.path("interfaces").get(1).path("name").asText()).isEqualTo("eth0");
            assertThat(r1.path("interfaces").get(1).path("sandbox").asText()).isEqualTo(net.path(pod1.ns()).toString());
            assertThat(r1.path("interfaces").get(1).path("mac").asText()).matches("[0-9a-f:]{17}");
            assertThat(r1.path("ips").get(0).path("interface").asInt()).isEqualTo(1);
            assertThat(r1.path("ips").get(0).path("gateway").asText()).isEqualTo("169.254.1.1");
            assertThat(net.globalCidrs(pod1.ns(), "eth0")).containsExactlyInAnyOrder(v4a + "/32", v6a + "/128");
            assertThat(net.ipOk(pod1.ns(), "link", "show", "eth0").out()).contains("mtu 9001");
            assertThat(net.ipOk(node, "route", "show", v4a).out()).contains("dev " + hostVeth);

            net.assertPings(pod1.ns(), v4b);
            net.assertPings(pod2.ns(), v4a);
            net.assertPings(pod1.ns(), "10.203.255.1");
            net.assertPings(pod1.ns(), v6b);
            net.assertPings(pod2.ns(), v6a);
            net.assertPings(pod2.ns(), "fd00:203:ff::1");

            cni.podnet("CHECK", pod1, Cni.withPrevResult(conf, r1)).succeeded();
            net.ipOk(node, "route", "del", v4a + "/32", "dev", hostVeth);
            JsonNode error = cni.podnet("CHECK", pod1, Cni.withPrevResult(conf, r1)).error();
            assertThat(error.path("msg").asText()).contains("host route", v4a + "/32", hostVeth);

            cni.podnet("DEL", pod1, Cni.withPrevResult(conf, r1)).succeeded();
            cni.podnet("DEL", pod1, Cni.withPrevResult(conf, r1)).succeeded();
            assertThat(net.hasLink(pod1.ns(), "eth0")).isFalse();
            // a pod whose namespace is gone before DEL: its host side goes and its addresses come back all the same
            String gone = net.path(pod2.ns()).toString();
            net.remove(pod2.ns());
            cni.run(PLUGIN.mainPlugin(), "DEL", pod2.containerId(), gone, "eth0", conf).succeeded();
            routed.assertNoPodLeft();
            assertThat(TestAgentStatus.allocations(agent.socket())).isEmpty();
        }
    }

    @Test
    void aPoolOnAnEniTableGetsPolicyRulesThatCheckSeesAndDelRemoves() throws Exception {
        RoutedNode routed = RoutedNode.create(net);
        String node = routed.ns();
        try (TestAgent.NodeAgent agent = TestAgent.startIn(net, node, dir, "vpc=10.204.6.0/24,fd00:204:6::/120,table=7")) {
            Cni cni = new Cni(net, node, PLUGIN);
            String conf = RoutedNode.conf(agent.socket());
            Cni.Pod pod = new Cni.Pod(net.add("pod"), net.prefix() + "-c1");

            JsonNode r = cni.podnet("ADD", pod, conf).result();
            String v4 = Cni.host(Cni.addresses(r).get(0));
            String v6 = Cni.host(Cni.addresses(r).get(1));
            assertThat(net.ipOk(node, "rule").out()).contains("1536:\tfrom " + v4 + " lookup 7",
                    "512:\tfrom all to " + v4 + " lookup main");
            assertThat(net.ipOk(node, "-6", "rule").out()).contains("1536:\tfrom " + v6 + " lookup 7");
            net.assertPings(pod.ns(), "10.203.255.1"); // table 7 is empty: lookups fall through to main

            cni.podnet("CHECK", pod, Cni.withPrevResult(conf, r)).succeeded();
            net.ipOk(node, "rule", "del", "from", v4 + "/32", "lookup", "7", "priority", "1536");
            JsonNode error = cni.podnet("CHECK", pod, Cni.withPrevResult(conf, r)).error();
            assertThat(error.path("msg").asText()).contains("ip rule from " + v4 + "/32 lookup 7");

            cni.podnet("DEL", pod, conf).succeeded();
            cni.podnet("DEL", pod, conf).succeeded();
            routed.assertNoPodLeft();
            assertThat(net.ipOk(node, "rule").out()).doesNotContain("lookup 7");
            assertThat(net.ipOk(node, "-6", "rule").out()).doesNotContain("lookup 7");
        }
    }
}
