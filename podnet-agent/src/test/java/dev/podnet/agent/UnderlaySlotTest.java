package dev.podnet.agent;

import static dev.podnet.agent.AgentCloudTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.InstanceSpec;
import dev.podnet.cloud.sim.SubnetSpec;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.VpcSpec;
import dev.podnet.cloud.sim.WorldSpec;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.kube.IpPools;
import dev.podnet.kube.KubeFixtures;
import dev.podnet.kube.KubeMock;
import dev.podnet.kube.NodeSlots;
import dev.podnet.warm.NodeSupply;
import inet.ipaddr.IPAddressString;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner's dual-stack underlay (examples/dual-stack-underlay.yaml) end to end on one machine: its ippools.yaml
 * (podnet-kube's fixture, kept equal to the planner's output by KubeFixturesTest) on the mock API server, the VPC as
 * the plan lays it out in the in-process emulator, and agents of the plan's node group starting on instances of its
 * zone. Each claims a slot, EC2 then holds the slot's /28s and /80 on the instance's ENI in the pod subnet, and the
 * real podnet-ipam plugin, run with the planned NetworkAttachmentDefinition's CNI config, gets a pod one address of
 * each.
 */
class UnderlaySlotTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    static final String GROUP = "low-latency";
    static final String ZONE = "ap-southeast-2a";
    static final String SLOT_0 = "low-latency-ap-southeast-2a-0";
    static final String SLOT_1 = "low-latency-ap-southeast-2a-1";
    static final String VPC = "vpc-0000000000000trad";
    static final String NODE_SUBNET_A = "subnet-0000000000000n0a";
    static final String POD_SUBNET_A = "subnet-0000000000000p0a";
    static final List<String> INSTANCES = List.of("i-000000000000000a1", "i-000000000000000a2", "i-000000000000000a3");
    /** The NAD of the plan (network-attachment-definition.yaml), its agent socket to be replaced by the test's. */
    static final String NAD_CONFIG = "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet-underlay\",\"type\":\"ipvlan\","
            + "\"master\":\"eth1\",\"mode\":\"l2\",\"ipam\":{\"type\":\"podnet-ipam\",\"agentSocket\":"
            + "\"/run/podnet/agent.sock\",\"pool\":\"underlay\"}}";

    @TempDir
    Path dir;
    KubernetesClient client;
    /** podnet's own client: its requests are held to podnet's RBAC. */
    KubernetesClient podnet;
    VpcEmulator cloud;
    final List<Agent> agents = new ArrayList<>();

    /** The plan's VPC: its CIDR, the secondary CIDR, the IPv6 /56; zone a's node subnet and pod subnet with its /64. */
    static WorldSpec plannedVpc() {
        return new WorldSpec("ap-southeast-2",
                List.of(new VpcSpec(VPC, List.of("10.60.0.0/16", "100.64.0.0/18"),
                        Optional.of("2600:1f14:abc:de00::/56"))),
                List.of(new SubnetSpec(NODE_SUBNET_A, ZONE, "10.60.0.0/22", Optional.empty(), Map.of()),
                        new SubnetSpec(POD_SUBNET_A, ZONE, "100.64.0.0/19", Optional.of("2600:1f14:abc:de00::/64"),
                                Map.of())),
                List.of("sg-0000000000000000d", "sg-00000000000000node"),
                INSTANCES.stream().map(id -> new InstanceSpec(id, "c6in.2xlarge", NODE_SUBNET_A,
                        List.of("sg-00000000000000node"))).toList());
    }

    @BeforeEach
    void start() throws IOException {
        client = API.client();
        podnet = API.podnetClient();
        cloud = VpcEmulator.builder(plannedVpc()).throttle(ThrottleConfig.UNLIMITED).build();
        try (InputStream in = NodeSlots.class.getResourceAsStream("/ippools/dual-stack-underlay.yaml")) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String doc : yaml.split("\n---\n")) {
                if (doc.contains("kind: IPPool")) {
                    client.genericKubernetesResources(IpPools.RESOURCE).resource(client.getKubernetesSerialization()
                            .unmarshal(doc, GenericKubernetesResource.class)).create();
                }
            }
        }
    }

    @AfterEach
    void stop() {
        agents.forEach(Agent::close);
        client.genericKubernetesResources(IpPools.RESOURCE).delete();
        client.nodes().delete();
        client.pods().inAnyNamespace().delete();
        client.v1().events().inAnyNamespace().delete();
        client.close();
        podnet.close();
    }

    /** An agent with the cloud pool of {@code instance} and the API server, as node {@code node}. */
    private AgentConfig agent(String node, String instance) throws IOException {
        // No warm ENI: the warm pool fills the primary first, so the slot's ENI is the node's eth1 as the NAD says.
        CloudPoolConfig c = new CloudPoolConfig(cloud, instance, "trading", CloudPoolConfig.DEFAULT_POOL,
                WarmPoolConfig.builder().warmEniTarget(0).warmIpTarget(1).build(), Optional.empty(), type -> 58,
                Duration.ofMillis(50));
        AgentConfig config = new AgentConfig(dir.resolve(node + ".sock"), dir.resolve(node), Optional.empty(),
                Optional.empty(), List.of(), Duration.ofSeconds(30), Optional.of(c))
                .withKube(Optional.of(new KubeApi(podnet, node, Duration.ofHours(1))
                        .withIpPoolInterval(Duration.ofMillis(100))));
        agents.add(Agent.start(config, InstantSource.system()));
        return config;
    }

    private Optional<NetworkInterface> slotEni(String instance) {
        return cloud.describeNetworkInterfaces(EniFilter.attachedTo(instance)).stream()
                .filter(e -> e.tags().containsKey(NodeSupply.NODE_SLOT_TAG)).findFirst();
    }

    @SuppressWarnings("unchecked")
    private List<String> nodeName(String pool) {
        GenericKubernetesResource read = client.genericKubernetesResources(IpPools.RESOURCE).withName(pool).get();
        Object names = ((Map<String, Object>) read.getAdditionalProperties().get("spec")).get("nodeName");
        return names == null ? List.of() : (List<String>) names;
    }

    private boolean serves(AgentConfig config, String pool) {
        try {
            return ((AgentReply.Status) AgentTest.ask(config.socket(), AgentRequest.status())).pools().stream()
                    .anyMatch(p -> p.name().equals(pool));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void twoNodesTakeTheTwoSlotsOfTheirZoneEc2HoldsThemAndADeletedNodesSlotIsFreed() throws Exception {
        KubeFixtures.node(client, "node-a", Map.of(NodeSlots.GROUP_LABEL, GROUP, NodeSlots.ZONE_LABEL, ZONE), Map.of());
        AgentConfig a = agent("node-a", INSTANCES.get(0));

        await("EC2 shows slot 0's prefixes on node-a's ENI in the pod subnet", () -> slotEni(INSTANCES.get(0))
                .filter(e -> e.ipv4Prefixes().size() == 4 && e.ipv6Prefixes().size() == 1).isPresent());
        NetworkInterface eni = slotEni(INSTANCES.get(0)).orElseThrow();
        assertThat(eni.subnetId()).isEqualTo(POD_SUBNET_A);
        assertThat(eni.attachment().orElseThrow().deviceIndex()).isEqualTo(1);
        assertThat(eni.securityGroups()).containsExactly("sg-00000000000000node");
        assertThat(eni.ipv4Prefixes()).containsExactlyInAnyOrder("100.64.0.16/28", "100.64.0.32/28", "100.64.0.48/28",
                "100.64.0.64/28");
        assertThat(eni.ipv6Prefixes()).singleElement().satisfies(p -> assertThat(new IPAddressString(p).getAddress())
                .isEqualTo(new IPAddressString("2600:1f14:abc:de00:1::/80").getAddress()));
        assertThat(nodeName(SLOT_0 + "-v4")).containsExactly("node-a");
        assertThat(nodeName(SLOT_0 + "-v6")).containsExactly("node-a");
        await("node-a serves slot 0's pools", () -> serves(a, SLOT_0 + "-v4") && serves(a, SLOT_0 + "-v6"));

        List<String> addresses = ipamAdd(a, "trader-0");
        assertThat(addresses).hasSize(2);
        assertThat(inside(List.of("100.64.0.16/28", "100.64.0.32/28", "100.64.0.48/28", "100.64.0.64/28"),
                addresses.get(0))).as(addresses.get(0)).isTrue();
        assertThat(inside(List.of("2600:1f14:abc:de00:1::/80"), addresses.get(1))).as(addresses.get(1)).isTrue();

        // node-b has only EKS's group label and no zone label: its zone is its instance's in EC2.
        KubeFixtures.node(client, "node-b", Map.of("eks.amazonaws.com/nodegroup", GROUP), Map.of());
        AgentConfig b = agent("node-b", INSTANCES.get(1));
        await("EC2 shows slot 1's prefixes on node-b's ENI", () -> slotEni(INSTANCES.get(1))
                .filter(e -> e.ipv4Prefixes().contains("100.64.0.80/28") && e.ipv6Prefixes().size() == 1).isPresent());
        assertThat(nodeName(SLOT_1 + "-v4")).containsExactly("node-b");
        await("node-b serves slot 1's pools", () -> serves(b, SLOT_1 + "-v4"));
        assertThat(inside(List.of("2600:1f14:abc:de00:2::/80"), ipamAdd(b, "trader-1").get(1))).isTrue();

        // A restart finds its slot and its ENI again: nothing is freed, nothing new is made.
        agents.removeFirst().close();
        assertThat(nodeName(SLOT_0 + "-v4")).as("stopping frees nothing").containsExactly("node-a");
        AgentConfig again = agent("node-a", INSTANCES.get(0));
        await("the restarted node-a serves slot 0 again", () -> serves(again, SLOT_0 + "-v4"));
        assertThat(slotEni(INSTANCES.get(0)).orElseThrow().id()).isEqualTo(eni.id());
        assertThat(cloud.describeNetworkInterfaces(EniFilter.tagged(Map.of(NodeSupply.NODE_SLOT_TAG, SLOT_0))))
                .hasSize(1);

        client.nodes().withName("node-a").delete();
        await("node-b's round frees node-a's slot", () -> nodeName(SLOT_0 + "-v4").isEmpty()
                && nodeName(SLOT_0 + "-v6").isEmpty());
        assertThat(nodeName(SLOT_1 + "-v4")).containsExactly("node-b");
    }

    @Test
    void aNodeWithoutAFreeSlotIsWarnedOnItsNodeAndTakesTheSlotOfANodeThatLeft() throws Exception {
        NodeSlots slots = new NodeSlots(podnet);
        for (String holder : List.of("node-x", "node-y")) {
            KubeFixtures.node(client, holder, Map.of(), Map.of());
            assertThat(slots.claim(holder, GROUP, ZONE).won()).isPresent();
        }
        KubeFixtures.node(client, "node-c", Map.of(NodeSlots.GROUP_LABEL, GROUP, NodeSlots.ZONE_LABEL, ZONE), Map.of());
        AgentConfig c = agent("node-c", INSTANCES.get(2));
        await("a Warning event on node-c says why it has no slot", () -> KubeFixtures.events(client, "node-c")
                .stream().anyMatch(e -> e.getType().equals("Warning") && e.getMessage().contains(
                        "no free slot of node group low-latency in zone ap-southeast-2a: 2 slots, all claimed by "
                                + "[node-x, node-y]")));
        assertThat(slotEni(INSTANCES.get(2))).isEmpty();
        await("the cloud pool serves meanwhile", () -> {
            try {
                return AgentTest.ask(c.socket(), AgentRequest.add("c0", "eth0", "/n", null, List.of(), Map.of()))
                        instanceof AgentReply.Success;
            } catch (IOException e) {
                return false;
            }
        });

        client.nodes().withName("node-x").delete();
        await("node-c frees node-x's slot and takes it", () -> nodeName(SLOT_0 + "-v4").equals(List.of("node-c"))
                && slotEni(INSTANCES.get(2)).filter(e -> e.ipv4Prefixes().size() == 4).isPresent());
        await("node-c serves slot 0", () -> serves(c, SLOT_0 + "-v6"));
        assertThat(nodeName(SLOT_1 + "-v4")).containsExactly("node-y");
    }

    @Test
    void anEc2FailureIsAWarningOnTheNodeThePoolsWaitAndALaterRoundFinishesTheSlot() throws Exception {
        cloud.faults().injectRate("CreateNetworkInterface", Ec2Error.NETWORK_INTERFACE_LIMIT_EXCEEDED, 1.0);
        KubeFixtures.node(client, "node-a", Map.of(NodeSlots.GROUP_LABEL, GROUP, NodeSlots.ZONE_LABEL, ZONE), Map.of());
        AgentConfig a = agent("node-a", INSTANCES.get(0));
        await("a Warning event on node-a names EC2's error", () -> KubeFixtures.events(client, "node-a").stream()
                .anyMatch(e -> e.getType().equals("Warning") && e.getMessage().contains("NetworkInterfaceLimitExceeded")));
        assertThat(nodeName(SLOT_0 + "-v4")).as("the claim stays for the next round").containsExactly("node-a");
        String uid = client.pods().resource(new PodBuilder().withNewMetadata().withNamespace("default")
                .withName("early").endMetadata().build()).create().getMetadata().getUid();
        AgentReply early = AgentTest.ask(a.socket(), AgentRequest.add("c-early", "net1", "/n", "underlay", List.of(),
                Map.of("K8S_POD_NAMESPACE", "default", "K8S_POD_NAME", "early", "K8S_POD_UID", uid)));
        assertThat(early).isInstanceOfSatisfying(AgentReply.Failure.class, f -> {
            assertThat(f.code()).isEqualTo(CniException.TRY_AGAIN_LATER);
            assertThat(f.details()).contains(SLOT_0 + "-v4", "served once EC2 holds their prefixes");
        });

        cloud.faults().clear();
        await("a later round puts the slot on an ENI and serves it", () -> serves(a, SLOT_0 + "-v4")
                && slotEni(INSTANCES.get(0)).filter(e -> e.ipv4Prefixes().size() == 4).isPresent());
        assertThat(AgentTest.ask(a.socket(), AgentRequest.add("c-early", "net1", "/n", "underlay", List.of(),
                Map.of("K8S_POD_NAMESPACE", "default", "K8S_POD_NAME", "early", "K8S_POD_UID", uid))))
                .isInstanceOf(AgentReply.Success.class);
    }

    /**
     * The podnet-ipam plugin as the runtime runs it for the NAD's ipvlan (its own JVM on the test's classpath): ADD
     * with the pod's CNI_ARGS; the addresses of its result, IPv4 first.
     */
    private List<String> ipamAdd(AgentConfig agent, String pod) throws Exception {
        String uid = client.pods().resource(new PodBuilder().withNewMetadata().withNamespace("default").withName(pod)
                .endMetadata().build()).create().getMetadata().getUid();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.podnet.cni.Main");
        pb.environment().putAll(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c-" + pod, "CNI_IFNAME", "net1",
                "CNI_NETNS", "/var/run/netns/" + pod, "CNI_PATH", "/opt/cni/bin",
                "CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=" + pod + ";K8S_POD_UID=" + uid));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process plugin = pb.start();
        try (var stdin = plugin.getOutputStream()) {
            stdin.write(NAD_CONFIG.replace("/run/podnet/agent.sock", agent.socket().toString())
                    .getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(plugin.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(plugin.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(plugin.exitValue()).as(out).isZero();
        List<String> addresses = new ArrayList<>();
        Matcher m = Pattern.compile("\"address\":\"([^\"]+)\"").matcher(out);
        while (m.find()) {
            addresses.add(m.group(1));
        }
        return addresses;
    }

    private static boolean inside(List<String> prefixes, String address) {
        var host = new IPAddressString(address).getAddress().withoutPrefixLength();
        return prefixes.stream().anyMatch(p -> new IPAddressString(p).getAddress().toPrefixBlock().contains(host));
    }
}
