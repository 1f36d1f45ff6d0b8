package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.CniException;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.kube.KubeFixtures;
import dev.podnet.kube.KubeMockProcess;
import dev.podnet.net.InvalidInputException;
import dev.podnet.vpcsim.Ec2QueryServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code podnet agent --cloud aws} end to end, as a user runs it against {@code podnet vpcsim}: the AWS SDK over HTTP
 * to the EC2 Query API front, custom networking from an ENIConfig file or the API server, and an ADD over the agent
 * socket.
 */
class CloudAgentTest {
    @RegisterExtension
    static final KubeMockProcess API = new KubeMockProcess();

    @TempDir
    Path dir;

    @Test
    void customNetworkingThroughTheSdkAndTheQueryApiGivesPodsEniConfigSubnetAddresses() throws Exception {
        VpcEmulator emulator = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.EC2_DEFAULT).build();
        Path eniConfigs = dir.resolve("eniconfigs.yaml");
        Files.writeString(eniConfigs, """
                apiVersion: crd.k8s.amazonaws.com/v1alpha1
                kind: ENIConfig
                metadata: {name: us-east-1a}
                spec: {subnet: %s, securityGroups: [%s]}
                ---
                apiVersion: crd.k8s.amazonaws.com/v1alpha1
                kind: ENIConfig
                metadata: {name: us-east-1b}
                spec: {subnet: %s, securityGroups: [%s]}
                """.formatted(DefaultWorld.POD_SUBNET_A, DefaultWorld.SECURITY_GROUP_PODS,
                DefaultWorld.POD_SUBNET_B, DefaultWorld.SECURITY_GROUP_PODS));
        try (Ec2QueryServer server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0))) {
            AgentCommand command = new AgentCommand();
            new CommandLine(command).parseArgs("--socket", dir.resolve("agent.sock").toString(),
                    "--state-dir", dir.resolve("state").toString(), "--cloud", "aws",
                    "--ec2-endpoint", server.endpoint().toString(), "--region", DefaultWorld.REGION,
                    "--instance-id", DefaultWorld.INSTANCE_C5_XLARGE, "--eniconfig-file", eniConfigs.toString(),
                    "--no-node-setup");
            AgentConfig config = command.settings(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                    "AWS_SECRET_ACCESS_KEY", "secret", "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true",
                    "WARM_IP_TARGET", "2"));
            try (Agent agent = Agent.start(config, InstantSource.system())) {
                String address = addWithinBound(config.socket(), "pod-1");
                assertThat(address).startsWith("100.64.").endsWith("/18");
                List<NetworkInterface> enis = emulator.describeNetworkInterfaces(
                        EniFilter.attachedTo(DefaultWorld.INSTANCE_C5_XLARGE));
                assertThat(enis).hasSize(2);
                NetworkInterface podEni = enis.stream().filter(e -> e.attachment().orElseThrow().deviceIndex() == 1)
                        .findFirst().orElseThrow();
                assertThat(podEni.subnetId()).isEqualTo(DefaultWorld.POD_SUBNET_B);
                assertThat(podEni.secondaryIpv4()).contains(address.substring(0, address.indexOf('/')));
                assertThat(enis.stream().filter(e -> e.attachment().orElseThrow().deviceIndex() == 0)
                        .flatMap(e -> e.secondaryIpv4().stream())).as("the primary ENI hosts no pods").isEmpty();
            }
        }
    }

    @Test
    void withoutAFileTheEniConfigComesFromTheApiServerTheKubeconfigNamesPickedByTheNodesLabel() throws Exception {
        VpcEmulator emulator = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.EC2_DEFAULT).build();
        try (KubernetesClient kube = API.client();
             Ec2QueryServer server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0))) {
            KubeFixtures.node(kube, "node-b", Map.of("k8s.amazonaws.com/eniConfig", "pods-b"), Map.of());
            KubeFixtures.eniConfig(kube, "pods-b", DefaultWorld.POD_SUBNET_B, DefaultWorld.SECURITY_GROUP_PODS);
            AgentCommand command = new AgentCommand();
            new CommandLine(command).parseArgs("--socket", dir.resolve("agent.sock").toString(),
                    "--state-dir", dir.resolve("state").toString(), "--cloud", "aws",
                    "--ec2-endpoint", server.endpoint().toString(), "--region", DefaultWorld.REGION,
                    "--instance-id", DefaultWorld.INSTANCE_C5_XLARGE, "--kubeconfig", API.kubeconfig(dir).toString(),
                    "--node-name", "node-b", "--no-node-setup");
            AgentConfig config = command.settings(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                    "AWS_SECRET_ACCESS_KEY", "secret", "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true"));
            try (Agent agent = Agent.start(config, InstantSource.system())) {
                assertThat(addWithinBound(config.socket(), "pod-1")).startsWith("100.64.").endsWith("/18");
                assertThat(emulator.describeNetworkInterfaces(EniFilter.attachedTo(DefaultWorld.INSTANCE_C5_XLARGE)))
                        .filteredOn(e -> e.attachment().orElseThrow().deviceIndex() == 1).singleElement()
                        .extracting(NetworkInterface::subnetId).isEqualTo(DefaultWorld.POD_SUBNET_B);
            }
        }
    }

    @Test
    void customNetworkingNeedsAnApiServerOrAFileAndTheFileKnowsNoLabels() throws Exception {
        Map<String, String> custom = Map.of("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true");
        assertThatThrownBy(() -> agent().settings(custom)).isInstanceOf(InvalidInputException.class)
                .hasMessage("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true needs ENIConfigs: an API server (--kubeconfig, "
                        + "KUBECONFIG or in-cluster) or --eniconfig-file");
        assertThatThrownBy(() -> agent("--eniconfig", "x").settings(custom))
                .hasMessageStartingWith("--eniconfig needs --eniconfig-file");
        Path file = Files.writeString(dir.resolve("none.yaml"), "");
        assertThatThrownBy(() -> agent("--eniconfig-file", file.toString()).settings(Map.of(
                "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true", "ENI_CONFIG_LABEL_DEF", "example.com/pods")))
                .hasMessageContaining("ENI_CONFIG_LABEL_DEF=example.com/pods names a node label the agent cannot read");
    }

    @Test
    void theWarmPolicyComesFromTheEnvironmentUnlessTheVpcCnisVariablesAreSet() {
        Map<String, String> keys = Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret");
        Map<String, String> adaptive = new java.util.HashMap<>(keys);
        adaptive.put("PODNET_WARM_POLICY", "adaptive");
        assertThat(agent().settings(adaptive).cloud().orElseThrow().policy()).isPresent();
        adaptive.put("WARM_ENI_TARGET", "1");
        assertThat(agent().settings(adaptive).cloud().orElseThrow().policy()).isEmpty();
        Map<String, String> unknown = new java.util.HashMap<>(keys);
        unknown.put("PODNET_WARM_POLICY", "nope");
        assertThatThrownBy(() -> agent().settings(unknown)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("policy \"nope\" is not registered; the policies are [vpc-cni, oracle, podnet-adaptive]");
    }

    private static AgentCommand agent(String... args) {
        AgentCommand command = new AgentCommand();
        List<String> all = new java.util.ArrayList<>(List.of("--cloud", "aws", "--region", DefaultWorld.REGION,
                "--instance-id", DefaultWorld.INSTANCE_C5_XLARGE));
        all.addAll(List.of(args));
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        return command;
    }

    /** ADD until the warm pool has its first address: code 11 (try again later) until then, within a bound. */
    private static String addWithinBound(Path socket, String container) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            AgentReply reply = AgentClient.ask(socket, AgentRequest.add(container, "eth0", "/x", null, List.of(), Map.of()),
                    AgentWire.MAX_ALLOWED_LINE_BYTES, Duration.ofSeconds(30));
            if (reply instanceof AgentReply.Success s) {
                return s.result().ips().getFirst().address();
            }
            assertThat(((AgentReply.Failure) reply).code()).isEqualTo(CniException.TRY_AGAIN_LATER);
            assertThat(Instant.now()).as("the warm pool never supplied an address").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
