package dev.podnet.agent;

import static dev.podnet.agent.AgentCloudTest.await;
import static dev.podnet.agent.AgentCloudTest.metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.kube.ApiEniConfigs;
import dev.podnet.kube.KubeFixtures;
import dev.podnet.kube.KubeMock;
import dev.podnet.net.InvalidInputException;
import dev.podnet.warm.EniConfig;
import dev.podnet.warm.NodeContext;
import dev.podnet.warm.VpcCniEnvironment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom networking with ENIConfigs from the API server (fabric8's CRUD mock) and EC2 from the emulator: none yet,
 * then one, then another; each new ENI takes the ENIConfig of its moment.
 */
class AgentEniConfigTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    private static final String NODE = "ip-10-0-0-10.ec2.internal";
    private static final String ZONE = "us-east-1a";
    private static final Map<String, String> ENV = Map.of(VpcCniEnvironment.CUSTOM_NETWORK_CFG, "true",
            VpcCniEnvironment.ENI_CONFIG_LABEL_DEF, VpcCniEnvironment.ZONE_LABEL);

    @TempDir
    Path dir;

    @Test
    void noEniConfigMeansNoEniAnEventAMetricAndAnAddErrorUntilOneAppearsAndEachNewEniTakesTheCurrentOne()
            throws Exception {
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        String later = cloud.createSubnet(DefaultWorld.VPC_ID, ZONE, "100.64.192.0/18", Map.of()).id();
        try (KubernetesClient kube = API.client(); KubernetesClient podnet = API.podnetClient()) {
            KubeFixtures.node(kube, NODE, Map.of(VpcCniEnvironment.ZONE_LABEL, ZONE), Map.of());
            CloudPoolConfig pool = CloudPoolConfig.vpcCni(cloud, DefaultWorld.INSTANCE_M5_LARGE, "test", ENV,
                    Optional.of(zone -> new ApiEniConfigs(podnet, NODE, VpcCniEnvironment.eniConfigSelector(ENV),
                            InstantSource.system())), (type, warm) -> 20, Duration.ofMillis(50), false);
            AgentConfig config = new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"),
                    Optional.of("127.0.0.1:0"), Optional.empty(), List.of(), Duration.ofSeconds(30), Optional.of(pool));
            String why = "no ENIConfig named \"us-east-1a\" (the value of the node's label "
                    + "topology.kubernetes.io/zone)";
            try (Agent agent = Agent.start(config, InstantSource.system())) {
                await("the Node has a warning", () -> !KubeFixtures.events(kube, NODE).isEmpty());
                assertThat(KubeFixtures.events(kube, NODE)).singleElement().satisfies(e -> {
                    assertThat(e.getReason()).isEqualTo(ApiEniConfigs.NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("no ENI is created for pods: " + why);
                });
                await("an ADD is told why", () -> add(config, "pod-0") instanceof AgentReply.Failure f
                        && f.details().endsWith("no ENI is created: " + why));
                assertThat(add(config, "pod-0")).isInstanceOfSatisfying(AgentReply.Failure.class,
                        f -> assertThat(f.code()).isEqualTo(CniException.TRY_AGAIN_LATER));
                assertThat(metrics(agent)).contains("podnet_warm_pool_eniconfig_missing{pool=\"vpc\"} 1.0");
                assertThat(cloud.describeNetworkInterfaces(EniFilter.tagged(Map.of(NodeContext.TAG_NODE,
                        DefaultWorld.INSTANCE_M5_LARGE)))).as("no ENI created").isEmpty();

                KubeFixtures.eniConfig(kube, ZONE, DefaultWorld.POD_SUBNET_A, DefaultWorld.SECURITY_GROUP_PODS);
                await("a pod ENI with its addresses", () -> enis(cloud).size() == 2
                        && enis(cloud).get(1).secondaryIpv4().size() == 9);
                assertThat(enis(cloud).get(1).subnetId()).isEqualTo(DefaultWorld.POD_SUBNET_A);
                assertThat(metrics(agent)).contains("podnet_warm_pool_eniconfig_missing{pool=\"vpc\"} 0.0");

                KubeFixtures.eniConfig(kube, ZONE, later);
                await("pod-0 is served", () -> add(config, "pod-0") instanceof AgentReply.Success);
                await("a second pod ENI, for WARM_ENI_TARGET=1", () -> enis(cloud).size() == 3);
                List<NetworkInterface> enis = enis(cloud);
                assertThat(enis.get(1).subnetId()).as("attached before the change")
                        .isEqualTo(DefaultWorld.POD_SUBNET_A);
                assertThat(enis.get(2).subnetId()).as("attached after it").isEqualTo(later);
                assertThat(enis.get(2).securityGroups()).containsExactly(DefaultWorld.SECURITY_GROUP_DEFAULT);
            }
        }
    }

    @Test
    void aFilesEniConfigCannotChangeSoAMissingNameOrASubnetOfAnotherZoneStopsTheStart() {
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        List<EniConfig> file = List.of(new EniConfig("us-east-1a", DefaultWorld.POD_SUBNET_B, List.of()));
        for (Optional<String> name : List.of(Optional.<String>empty(), Optional.of("pods"))) {
            CloudPoolConfig pool = CloudPoolConfig.vpcCni(cloud, DefaultWorld.INSTANCE_M5_LARGE, "test",
                    Map.of(VpcCniEnvironment.CUSTOM_NETWORK_CFG, "true"), Optional.of(CloudPoolConfig.given(file, name)),
                    (type, warm) -> 20, Duration.ofMillis(50), false);
            assertThatThrownBy(() -> Agent.start(new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"),
                    Optional.empty(), Optional.empty(), List.of(), Duration.ofSeconds(30), Optional.of(pool)),
                    InstantSource.system())).isInstanceOf(InvalidInputException.class).hasMessage(name.isEmpty()
                    ? "ENIConfig \"us-east-1a\" names " + DefaultWorld.POD_SUBNET_B + ", which is not a subnet of "
                            + DefaultWorld.VPC_ID + " in us-east-1a when the agent started [" + DefaultWorld.NODE_SUBNET_A
                            + ", " + DefaultWorld.POD_SUBNET_A + "]: an ENI attaches only in its instance's zone, and a "
                            + "subnet made since needs a restart of the agent"
                    : "custom networking is on but no ENIConfig is named \"pods\"; the ENIConfigs given are [us-east-1a]");
        }
    }

    private static AgentReply add(AgentConfig config, String container) {
        try {
            return AgentTest.ask(config.socket(), AgentRequest.add(container, "eth0", "/x", null, List.of(), Map.of()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The instance's ENIs by device index. */
    private static List<NetworkInterface> enis(VpcEmulator cloud) {
        return cloud.describeNetworkInterfaces(EniFilter.attachedTo(DefaultWorld.INSTANCE_M5_LARGE)).stream()
                .sorted(Comparator.comparingInt(e -> e.attachment().orElseThrow().deviceIndex())).toList();
    }
}
