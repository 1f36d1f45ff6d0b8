package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.api.AgentReply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * podnet-ipam under the reference bridge plugin, with addresses from a node agent: what a kubelet on a node sees.
 * The bridge, the veth host ends and the gateway address live in the test's node namespace; pods are namespaces.
 */
@Tag("netns")
@ExtendWith(Netns.Required.class)
class BridgeAgentNetnsTest {
    @RegisterExtension
    static final PodnetIpamPlugin PLUGIN = new PodnetIpamPlugin();
    @RegisterExtension
    final Netns net = new Netns();
    @TempDir
    Path dir;

    private static String bridgeConf(Path socket) {
        return """
                {"cniVersion":"1.0.0","name":"podnet-bridge","type":"bridge","bridge":"pnbr0","isGateway":true,
                 "ipam":{"type":"podnet-ipam","agentSocket":"%s"}}""".formatted(socket);
    }

    @Test
    void podsGetDistinctPoolAddressesPingEachOtherAndDelReleasesThem() throws Exception {
        try (TestAgent agent = TestAgent.start(dir, "default=10.201.7.0/24")) {
            String node = net.add("node");
            Cni cni = new Cni(net, node, PLUGIN);
            String conf = bridgeConf(agent.socket());
            Cni.Pod pod1 = new Cni.Pod(net.add("pod1"), net.prefix() + "-c1");
            Cni.Pod pod2 = new Cni.Pod(net.add("pod2"), net.prefix() + "-c2");

            JsonNode r1 = cni.add("bridge", pod1, conf).result();
            JsonNode r2 = cni.add("bridge", pod2, conf).result();
            String a1 = single(Cni.addresses(r1));
            String a2 = single(Cni.addresses(r2));
            assertThat(a1).isNotEqualTo(a2).startsWith("10.201.7.").endsWith("/24");
            assertThat(a2).startsWith("10.201.7.").endsWith("/24");
            assertThat(Cni.host(a1)).isNotIn("10.201.7.0", "10.201.7.1", "10.201.7.255");
            assertThat(Cni.host(a2)).isNotIn("10.201.7.0", "10.201.7.1", "10.201.7.255");
            // the agent's gateway reached the bridge (isGateway), and each pod's eth0 holds its own address
            assertThat(r1.path("ips").get(0).path("gateway").asText()).isEqualTo("10.201.7.1");
            assertThat(net.globalCidrs(node, "pnbr0")).contains("10.201.7.1/24");
            assertThat(net.globalCidrs(pod1.ns(), "eth0")).containsExactly(a1);
            assertThat(net.globalCidrs(pod2.ns(), "eth0")).containsExactly(a2);
            assertThat(agent.addressesOf(pod1.containerId())).containsExactly(a1);
            assertThat(agent.addressesOf(pod2.containerId())).containsExactly(a2);

            net.assertPings(pod1.ns(), Cni.host(a2));
            net.assertPings(pod2.ns(), Cni.host(a1));

            // CHECK with the ADD result as prevResult passes while everything is in place...
            cni.check("bridge", pod1, conf, r1).succeeded();
            // ...and fails, as a CNI error on stdout, once the pod's address is gone
            net.ipOk(pod1.ns(), "addr", "del", a1, "dev", "eth0");
            JsonNode error = cni.check("bridge", pod1, conf, r1).error();
            assertThat(error.path("msg").asText()).contains(Cni.host(a1));

            cni.del("bridge", pod1, conf).succeeded();
            assertThat(agent.addressesOf(pod1.containerId())).isEmpty();
            assertThat(agent.addressesOf(pod2.containerId())).containsExactly(a2);
            AgentReply.PoolStatus pool = agent.status().pools().getFirst();
            assertThat(pool.used()).isEqualTo(1);
            assertThat(pool.quarantined()).as("the released address cools down before reuse").isEqualTo(1);
            assertThat(net.hasLink(pod1.ns(), "eth0")).as("DEL removes the pod's interface").isFalse();
            // DEL is idempotent: the runtime may repeat it
            cni.del("bridge", pod1, conf).succeeded();
            assertThat(agent.status().allocations()).extracting(AgentReply.Allocation::containerId)
                    .containsExactly(pod2.containerId());
            net.assertPings(node, Cni.host(a2));
        }
    }

    @Test
    void dualStackPodsGetOneAddressOfEachFamilyAndPingOverIpv6() throws Exception {
        try (TestAgent agent = TestAgent.start(dir, "default=10.202.3.0/24,fd00:202:3::/120")) {
            String node = net.add("node");
            Cni cni = new Cni(net, node, PLUGIN);
            String conf = bridgeConf(agent.socket());
            Cni.Pod pod1 = new Cni.Pod(net.add("pod1"), net.prefix() + "-c1");
            Cni.Pod pod2 = new Cni.Pod(net.add("pod2"), net.prefix() + "-c2");

            List<String> p1 = Cni.addresses(cni.add("bridge", pod1, conf).result());
            List<String> p2 = Cni.addresses(cni.add("bridge", pod2, conf).result());
            String v4a = family(p1, false);
            String v6a = family(p1, true);
            String v4b = family(p2, false);
            String v6b = family(p2, true);
            assertThat(p1).hasSize(2);
            assertThat(p2).hasSize(2);
            assertThat(v4a).isNotEqualTo(v4b).startsWith("10.202.3.").endsWith("/24");
            assertThat(v6a).isNotEqualTo(v6b).startsWith("fd00:202:3::").endsWith("/120");
            assertThat(v6b).startsWith("fd00:202:3::");
            assertThat(net.globalCidrs(pod1.ns(), "eth0")).containsExactlyInAnyOrder(v4a, v6a);
            assertThat(net.globalCidrs(pod2.ns(), "eth0")).containsExactlyInAnyOrder(v4b, v6b);
            assertThat(agent.addressesOf(pod1.containerId())).containsExactlyInAnyOrder(v4a, v6a);

            // an IPv6 address can neither send nor receive until duplicate address detection is done
            net.awaitIpv6Settled(pod1.ns(), "eth0", Duration.ofSeconds(15));
            net.awaitIpv6Settled(pod2.ns(), "eth0", Duration.ofSeconds(15));
            net.assertPings(pod1.ns(), Cni.host(v6b));
            net.assertPings(pod2.ns(), Cni.host(v6a));
            net.assertPings(pod1.ns(), Cni.host(v4b));

            cni.del("bridge", pod2, conf).succeeded();
            assertThat(agent.addressesOf(pod2.containerId())).isEmpty();
            assertThat(agent.addressesOf(pod1.containerId())).hasSize(2);
        }
    }

    private static String single(List<String> addresses) {
        assertThat(addresses).hasSize(1);
        return addresses.getFirst();
    }

    private static String family(List<String> addresses, boolean v6) {
        List<String> of = addresses.stream().filter(a -> a.contains(":") == v6).toList();
        assertThat(of).as("addresses of one family in " + addresses).hasSize(1);
        return of.getFirst();
    }
}
