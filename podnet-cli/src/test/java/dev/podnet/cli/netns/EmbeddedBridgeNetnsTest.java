package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.api.CniException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * podnet-ipam under the reference bridge plugin in embedded mode: no agent, the plugin keeps its allocations in its
 * own data directory (host-local's configuration format), as on a single node.
 */
@Tag("netns")
@ExtendWith(Netns.Required.class)
class EmbeddedBridgeNetnsTest {
    @RegisterExtension
    static final PodnetIpamPlugin PLUGIN = new PodnetIpamPlugin();
    @RegisterExtension
    final Netns net = new Netns();
    @TempDir
    Path dataDir;

    /**
     * Three addresses only (.10 to .12), so the allocator's cursor comes back to a released address within the
     * test: whether it is handed out again is then up to the quarantine alone.
     */
    @Test
    void podsGetDistinctAddressesRepeatedAddIsStableAndReleasedAddressesCoolDown() {
        String conf = """
                {"cniVersion":"1.0.0","name":"podnet-embedded","type":"bridge","bridge":"pnbr0","isGateway":true,
                 "ipam":{"type":"podnet-ipam","dataDir":"%s",
                         "ranges":[[{"subnet":"10.204.5.0/24","rangeStart":"10.204.5.10","rangeEnd":"10.204.5.12"}]]}}"""
                .formatted(dataDir);
        List<String> range = List.of("10.204.5.10/24", "10.204.5.11/24", "10.204.5.12/24");
        String node = net.add("node");
        Cni cni = new Cni(net, node, PLUGIN);
        Cni.Pod pod1 = new Cni.Pod(net.add("pod1"), net.prefix() + "-c1");
        Cni.Pod pod2 = new Cni.Pod(net.add("pod2"), net.prefix() + "-c2");

        JsonNode r1 = cni.add("bridge", pod1, conf).result();
        String a1 = single(Cni.addresses(r1));
        String a2 = single(Cni.addresses(cni.add("bridge", pod2, conf).result()));
        assertThat(a1).isNotEqualTo(a2).isIn(range);
        assertThat(a2).isIn(range);
        assertThat(net.globalCidrs(node, "pnbr0")).contains("10.204.5.1/24");
        assertThat(net.globalCidrs(pod1.ns(), "eth0")).containsExactly(a1);
        assertThat(net.globalCidrs(pod2.ns(), "eth0")).containsExactly(a2);
        net.assertPings(pod1.ns(), Cni.host(a2));

        // a runtime that repeats ADD for the same container and interface gets the same address back
        // (asked of podnet-ipam directly: bridge itself refuses to create eth0 twice)
        Cni.Outcome again = cni.run(PLUGIN.launcher(), "ADD", pod1, "eth0", conf);
        assertThat(Cni.addresses(again.result())).containsExactly(a1);
        cni.check("bridge", pod1, conf, r1).succeeded();

        cni.del("bridge", pod1, conf).succeeded();
        cni.del("bridge", pod1, conf).succeeded();
        assertThat(net.hasLink(pod1.ns(), "eth0")).isFalse();
        // the released attachment is unknown to podnet-ipam now
        JsonNode unknown = cni.run(PLUGIN.launcher(), "CHECK", pod1, "eth0", Cni.withPrevResult(conf, r1)).error();
        assertThat(unknown.path("code").asInt()).isEqualTo(CniException.UNKNOWN_CONTAINER);

        // a new pod gets an address, but not the one just released: it stays in quarantine (30 s by default)
        Cni.Pod pod3 = new Cni.Pod(net.add("pod3"), net.prefix() + "-c3");
        String a3 = single(Cni.addresses(cni.add("bridge", pod3, conf).result()));
        assertThat(a3).isIn(range).isNotIn(a1, a2);
        assertThat(net.globalCidrs(pod3.ns(), "eth0")).containsExactly(a3);
        net.assertPings(pod3.ns(), Cni.host(a2));
        // the only address not in use is the released one: still cooling down, so "try again later", not a reuse
        Cni.Pod pod4 = new Cni.Pod(net.add("pod4"), net.prefix() + "-c4");
        JsonNode full = cni.run(PLUGIN.launcher(), "ADD", pod4, "eth0", conf).error();
        assertThat(full.path("code").asInt()).isEqualTo(CniException.TRY_AGAIN_LATER);
        assertThat(full.path("details").asText()).contains("quarantine");
    }

    private static String single(List<String> addresses) {
        assertThat(addresses).hasSize(1);
        return addresses.getFirst();
    }
}
