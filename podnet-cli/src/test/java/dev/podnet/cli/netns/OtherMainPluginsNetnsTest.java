package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * podnet-ipam under the other reference main plugins (macvlan, ipvlan in L2 mode, ptp), in agent mode. The
 * macvlan/ipvlan master is one end of a veth pair made inside the node namespace, never a real interface.
 */
@Tag("netns")
@ExtendWith(Netns.Required.class)
class OtherMainPluginsNetnsTest {
    private static final String MASTER = "pnm0";

    @RegisterExtension
    static final PodnetIpamPlugin PLUGIN = new PodnetIpamPlugin();
    @RegisterExtension
    final Netns net = new Netns();
    @TempDir
    Path dir;

    /** A node namespace with an up veth pair whose end {@link #MASTER} serves as macvlan/ipvlan master. */
    private String nodeWithMaster() {
        String node = net.add("node");
        net.ipOk(node, "link", "add", MASTER, "type", "veth", "peer", "name", "pnm1");
        net.ipOk(node, "link", "set", MASTER, "up");
        net.ipOk(node, "link", "set", "pnm1", "up");
        return node;
    }

    @Test
    void macvlanPodsGetPoolAddressesAndDelReleasesThem() throws Exception {
        try (TestAgent agent = TestAgent.start(dir, "default=10.203.1.0/24")) {
            String node = nodeWithMaster();
            net.assumeKernelSupports(node, MASTER, "macvlan", "bridge");
            String conf = """
                    {"cniVersion":"1.0.0","name":"podnet-macvlan","type":"macvlan","master":"%s","mode":"bridge",
                     "ipam":{"type":"podnet-ipam","agentSocket":"%s"}}""".formatted(MASTER, agent.socket());
            addAndPingThenDel(agent, node, "macvlan", conf, "10.203.1.");
        }
    }

    @Test
    void ipvlanL2PodGetsAPoolAddressAndDelReleasesIt() throws Exception {
        try (TestAgent agent = TestAgent.start(dir, "default=10.203.2.0/24")) {
            String node = nodeWithMaster();
            net.assumeKernelSupports(node, MASTER, "ipvlan", "l2");
            String conf = """
                    {"cniVersion":"1.0.0","name":"podnet-ipvlan","type":"ipvlan","master":"%s","mode":"l2",
                     "ipam":{"type":"podnet-ipam","agentSocket":"%s"}}""".formatted(MASTER, agent.socket());
            Cni cni = new Cni(net, node, PLUGIN);
            Cni.Pod pod = new Cni.Pod(net.add("pod1"), net.prefix() + "-c1");
            String a = single(Cni.addresses(cni.add("ipvlan", pod, conf).result()));
            assertThat(a).startsWith("10.203.2.").endsWith("/24");
            assertThat(net.globalCidrs(pod.ns(), "eth0")).containsExactly(a);
            assertThat(agent.addressesOf(pod.containerId())).containsExactly(a);
            cni.del("ipvlan", pod, conf).succeeded();
            assertThat(agent.addressesOf(pod.containerId())).isEmpty();
            assertThat(net.hasLink(pod.ns(), "eth0")).isFalse();
            cni.del("ipvlan", pod, conf).succeeded();
        }
    }

    @Test
    void ptpPodsGetPoolAddressesReachEachOtherThroughTheNodeAndDelReleasesThem() throws Exception {
        try (TestAgent agent = TestAgent.start(dir, "default=10.203.3.0/24")) {
            String node = net.add("node");
            // ptp routes pod to pod through the node; this sysctl belongs to the node namespace only
            net.execOk(node, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            String conf = """
                    {"cniVersion":"1.0.0","name":"podnet-ptp","type":"ptp",
                     "ipam":{"type":"podnet-ipam","agentSocket":"%s"}}""".formatted(agent.socket());
            List<String> addresses = addAndPingThenDel(agent, node, "ptp", conf, "10.203.3.");
            // the node routes to each pod through that pod's veth end; DEL took the first pod's route away
            List<String> routes = new ArrayList<>();
            Netns.json(net.ipOk(node, "-j", "-4", "route", "show").out()).forEach(r -> routes.add(r.path("dst").asText()));
            assertThat(routes).contains(Cni.host(addresses.get(1))).doesNotContain(Cni.host(addresses.get(0)));
        }
    }

    /**
     * Two pods through main plugin {@code type}: each gets its own pool address on eth0, they ping each other, and
     * DEL (twice) gives the first pod's address back to the agent.
     *
     * @return the two pods' addresses
     */
    private List<String> addAndPingThenDel(TestAgent agent, String node, String type, String conf, String subnetPrefix)
            throws Exception {
        Cni cni = new Cni(net, node, PLUGIN);
        Cni.Pod pod1 = new Cni.Pod(net.add("pod1"), net.prefix() + "-c1");
        Cni.Pod pod2 = new Cni.Pod(net.add("pod2"), net.prefix() + "-c2");
        String a1 = single(Cni.addresses(cni.add(type, pod1, conf).result()));
        String a2 = single(Cni.addresses(cni.add(type, pod2, conf).result()));
        assertThat(a1).isNotEqualTo(a2).startsWith(subnetPrefix);
        assertThat(a2).startsWith(subnetPrefix);
        assertThat(net.globalCidrs(pod1.ns(), "eth0")).containsExactly(a1);
        assertThat(net.globalCidrs(pod2.ns(), "eth0")).containsExactly(a2);
        assertThat(agent.addressesOf(pod1.containerId())).containsExactly(a1);
        assertThat(agent.addressesOf(pod2.containerId())).containsExactly(a2);

        net.assertPings(pod1.ns(), Cni.host(a2));

        cni.del(type, pod1, conf).succeeded();
        assertThat(agent.addressesOf(pod1.containerId())).isEmpty();
        assertThat(agent.addressesOf(pod2.containerId())).containsExactly(a2);
        assertThat(net.hasLink(pod1.ns(), "eth0")).as("DEL removes the pod's interface").isFalse();
        cni.del(type, pod1, conf).succeeded();
        return List.of(a1, a2);
    }

    private static String single(List<String> addresses) {
        assertThat(addresses).hasSize(1);
        return addresses.getFirst();
    }
}
