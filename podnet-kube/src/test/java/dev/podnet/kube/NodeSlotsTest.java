package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.podnet.kube.NodeSlots.Claim;
import dev.podnet.kube.NodeSlots.NoFreeSlot;
import dev.podnet.kube.NodeSlots.Outcome;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes claiming the planner's node slots (its ippools.yaml for examples/dual-stack-underlay.yaml, copied into the test
 * resources and kept equal by podnet-planner's KubeFixturesTest) on fabric8's CRUD mock.
 */
class NodeSlotsTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    private static final String GROUP = "low-latency";
    private static final String ZONE = "ap-southeast-2a";
    private static final String SLOT_0 = "low-latency-ap-southeast-2a-0";
    private static final String SLOT_1 = "low-latency-ap-southeast-2a-1";

    private final KubernetesClient client = API.client();
    /** podnet's own client: its requests are held to podnet's RBAC. */
    private final KubernetesClient podnet = API.podnetClient();
    private final NodeSlots slots = new NodeSlots(podnet);

    @BeforeEach
    void noPools() {
        var pools = client.genericKubernetesResources(IpPools.RESOURCE);
        pools.list().getItems().forEach(p -> pools.withName(p.getMetadata().getName()).delete());
    }

    @AfterEach
    void close() {
        client.close();
        podnet.close();
    }

    /** kubectl apply -f of one of the planner's ippools.yaml files. */
    private void apply(String fixture) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/ippools/" + fixture);
                MappingIterator<GenericKubernetesResource> docs =
                        new YAMLMapper().readerFor(GenericKubernetesResource.class).readValues(in)) {
            while (docs.hasNext()) {
                GenericKubernetesResource pool = docs.next();
                if (pool != null) {
                    client.genericKubernetesResources(IpPools.RESOURCE).resource(pool).create();
                }
            }
        }
    }

    private Claim claimed(String node) {
        Outcome outcome = slots.claim(node, GROUP, ZONE);
        assertThat(outcome).as("%s", outcome).isInstanceOf(Claim.class);
        return (Claim) outcome;
    }

    @SuppressWarnings("unchecked")
    private List<String> nodeName(String pool) {
        GenericKubernetesResource read = client.genericKubernetesResources(IpPools.RESOURCE).withName(pool).get();
        return (List<String>) ((Map<String, Object>) read.getAdditionalProperties().get("spec")).get("nodeName");
    }

    @Test
    void twoNodesClaimDifferentSlotsAndBothPoolsOfEachNameTheirNode() throws IOException {
        apply("dual-stack-underlay.yaml");
        Claim a = claimed("node-a");
        Claim b = claimed("node-b");
        assertThat(a.slot()).isEqualTo(SLOT_0);
        assertThat(a.pools()).containsExactly(SLOT_0 + "-v4", SLOT_0 + "-v6");
        assertThat(a.ipv4Prefixes()).hasSize(4).allMatch(p -> p.endsWith("/28")).contains("100.64.0.16/28");
        assertThat(a.ipv6Prefixes()).containsExactly("2600:1f14:abc:de00:1::/80");
        assertThat(a.ipv4Subnet()).contains("100.64.0.0/19");
        assertThat(a.ipv6Subnet()).contains("2600:1f14:abc:de00::/64");
        assertThat(b.slot()).isEqualTo(SLOT_1);
        assertThat(b.ipv4Prefixes()).doesNotContainAnyElementsOf(a.ipv4Prefixes());
        assertThat(nodeName(SLOT_0 + "-v4")).containsExactly("node-a");
        assertThat(nodeName(SLOT_0 + "-v6")).containsExactly("node-a");
        assertThat(nodeName(SLOT_1 + "-v6")).containsExactly("node-b");
        assertThat(nodeName("low-latency-ap-southeast-2b-0-v4")).as("the other zone's slots stay free").isNull();
    }

    @Test
    void aRestartedAgentGetsItsOwnSlotAgain() throws IOException {
        apply("dual-stack-underlay.yaml");
        Claim first = claimed("node-a");
        claimed("node-b");
        assertThat(claimed("node-a")).isEqualTo(first);
    }

    @Test
    void aThirdNodeIsToldNoSlotIsFreeAndWhoHoldsThem() throws IOException {
        apply("dual-stack-underlay.yaml");
        claimed("node-a");
        claimed("node-b");
        Outcome third = slots.claim("node-c", GROUP, ZONE);
        assertThat(third.won()).isEmpty();
        assertThat(((NoFreeSlot) third).message()).isEqualTo(
                "no free slot of node group low-latency in zone ap-southeast-2a: 2 slots, all claimed by [node-a, node-b]");
        assertThat(((NoFreeSlot) slots.claim("node-c", "batch", ZONE)).message()).isEqualTo(
                "no free slot of node group batch in zone ap-southeast-2a: no IPPool with spec.nodeSlot is labelled "
                        + "podnet.dev/node-group=batch, topology.kubernetes.io/zone=ap-southeast-2a");
    }

    @Test
    void tenNodesRacingForFourSlotsEndWithFourWinnersAndSixRefusals() throws Exception {
        apply("four-slots-per-zone.yaml");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Outcome>> racers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 10; i++) {
                String node = "node-" + i;
                racers.add(threads.submit(() -> {
                    start.await();
                    return slots.claim(node, GROUP, ZONE);
                }));
            }
            start.countDown();
        }
        List<Claim> winners = new ArrayList<>();
        List<NoFreeSlot> refused = new ArrayList<>();
        for (Future<Outcome> racer : racers) {
            switch (racer.get()) {
                case Claim c -> winners.add(c);
                case NoFreeSlot n -> refused.add(n);
            }
        }
        assertThat(winners).extracting(Claim::slot).containsExactlyInAnyOrder(
                SLOT_0, SLOT_1, "low-latency-ap-southeast-2a-2", "low-latency-ap-southeast-2a-3");
        assertThat(refused).hasSize(6).allSatisfy(n -> assertThat(n.holders()).hasSize(4).doesNotHaveDuplicates());
        for (int i = 0; i < 10; i++) {
            String node = "node-" + i;
            Outcome again = slots.claim(node, GROUP, ZONE);
            // each winner's two pools name it alone, and a winner asking again gets the same slot
            if (again instanceof Claim c) {
                assertThat(winners).contains(c);
                assertThat(nodeName(c.slot() + "-v4")).containsExactly(node);
                assertThat(nodeName(c.slot() + "-v6")).containsExactly(node);
            }
        }
    }

    @Test
    void aFreedSlotGoesToTheNextNode() throws IOException {
        apply("dual-stack-underlay.yaml");
        Claim a = claimed("node-a");
        claimed("node-b");
        slots.free("node-a", a.slot());
        assertThat(nodeName(SLOT_0 + "-v4")).isNull();
        assertThat(nodeName(SLOT_0 + "-v6")).isNull();
        assertThat(claimed("node-c").slot()).isEqualTo(SLOT_0);
    }

    @Test
    void aNodeNeverFreesAnotherNodesSlot() throws IOException {
        apply("dual-stack-underlay.yaml");
        Claim a = claimed("node-a");
        slots.free("node-b", a.slot());
        assertThat(nodeName(SLOT_0 + "-v4")).containsExactly("node-a");
        assertThat(nodeName(SLOT_0 + "-v6")).containsExactly("node-a");
        assertThat(claimed("node-b").slot()).isEqualTo(SLOT_1);
    }

    @Test
    void aSlotWithoutAnIpv4PoolIsWonOnItsIpv6Pool() {
        client.genericKubernetesResources(IpPools.RESOURCE).resource(new GenericKubernetesResourceBuilder()
                .withApiVersion("podnet.dev/v1").withKind("IPPool")
                .withNewMetadata().withName("v6only-0-v6").withLabels(Map.of(NodeSlots.SLOT_LABEL, "v6only-0",
                        NodeSlots.GROUP_LABEL, "v6only", NodeSlots.ZONE_LABEL, ZONE)).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("ipVersion", 6, "subnet", "2600:1f14:abc:de00::/64",
                        "ips", List.of("2600:1f14:abc:de00:9::/80", "2600:1f14:abc:de00::10"),
                        "nodeSlot", Map.of("nodeGroup", "v6only", "zone", ZONE))))
                .build()).create();
        Claim claim = (Claim) slots.claim("node-a", "v6only", ZONE);
        assertThat(claim.pools()).containsExactly("v6only-0-v6");
        assertThat(claim.ipv4Prefixes()).isEmpty();
        assertThat(claim.ipv6Prefixes()).containsExactly("2600:1f14:abc:de00:9::/80");
        assertThat(claim.ipv4Subnet()).isEmpty();
        assertThat(nodeName("v6only-0-v6")).containsExactly("node-a");
        assertThat(slots.claim("node-b", "v6only", ZONE).won()).isEmpty();
    }
}
