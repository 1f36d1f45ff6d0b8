package dev.podnet.vpcsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AWS CLI (`aws ec2 ... --endpoint-url`) against the server, when the CLI is installed. */
class AwsCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;
    private Ec2QueryServer server;
    private Path aws;

    @BeforeEach
    void start() throws Exception {
        Optional<Path> found = onPath("aws");
        Assumptions.assumeTrue(found.isPresent(), "the AWS CLI (aws) is not on PATH; skipping the AWS CLI test");
        aws = found.get();
        VirtualClock clock = new VirtualClock();
        VpcEmulator emulator = VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock)
                .throttle(ThrottleConfig.UNLIMITED).build();
        server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void ec2CommandsWork() throws Exception {
        JsonNode vpcs = aws("describe-vpcs");
        assertThat(vpcs.at("/Vpcs")).hasSize(1);
        assertThat(vpcs.at("/Vpcs/0/VpcId").asText()).isEqualTo(DefaultWorld.VPC_ID);
        assertThat(vpcs.at("/Vpcs/0/CidrBlockAssociationSet/1/CidrBlock").asText()).isEqualTo(DefaultWorld.VPC_SECONDARY_CIDR);

        assertThat(aws("describe-instances").at("/Reservations")).hasSize(3);
        JsonNode instances = aws("describe-instances", "--instance-ids", DefaultWorld.INSTANCE_M5_LARGE);
        JsonNode instance = instances.at("/Reservations/0/Instances/0");
        assertThat(instance.at("/InstanceId").asText()).isEqualTo(DefaultWorld.INSTANCE_M5_LARGE);
        assertThat(instance.at("/InstanceType").asText()).isEqualTo("m5.large");
        assertThat(instance.at("/Placement/AvailabilityZone").asText()).isEqualTo("us-east-1a");
        assertThat(instance.at("/State/Name").asText()).isEqualTo("running");
        assertThat(instance.at("/NetworkInterfaces/0/Attachment/DeviceIndex").asInt(-1)).isZero();
        assertThat(instance.at("/NetworkInterfaces/0/PrivateIpAddresses/0/Primary").asBoolean()).isTrue();

        JsonNode subnets = aws("describe-subnets", "--filters", "Name=tag:kubernetes.io/role/cni,Values=1");
        assertThat(subnets.at("/Subnets")).hasSize(3);
        assertThat(subnets.at("/Subnets/0/AvailableIpAddressCount").asLong()).isEqualTo((1L << 14) - 5);
        assertThat(subnets.at("/Subnets/0/Ipv6CidrBlockAssociationSet/0/Ipv6CidrBlock").asText()).endsWith("::/64");

        JsonNode created = aws("create-network-interface", "--subnet-id", DefaultWorld.NODE_SUBNET_A,
                "--description", "podnet & friends", "--groups", DefaultWorld.SECURITY_GROUP_PODS,
                "--tag-specifications", "ResourceType=network-interface,Tags=[{Key=podnet.dev/node,Value=node-a}]");
        String eniId = created.at("/NetworkInterface/NetworkInterfaceId").asText();
        assertThat(eniId).startsWith("eni-");
        assertThat(created.at("/NetworkInterface/Description").asText()).isEqualTo("podnet & friends");
        assertThat(created.at("/NetworkInterface/Status").asText()).isEqualTo("available");
        assertThat(created.at("/NetworkInterface/TagSet/0/Key").asText()).isEqualTo("podnet.dev/node");
        assertThat(created.at("/NetworkInterface/Groups/0/GroupId").asText()).isEqualTo(DefaultWorld.SECURITY_GROUP_PODS);

        JsonNode attached = aws("attach-network-interface", "--network-interface-id", eniId,
                "--instance-id", DefaultWorld.INSTANCE_M5_LARGE, "--device-index", "1");
        assertThat(attached.at("/AttachmentId").asText()).startsWith("eni-attach-");

        JsonNode assigned = aws("assign-private-ip-addresses", "--network-interface-id", eniId,
                "--secondary-private-ip-address-count", "2");
        assertThat(assigned.at("/NetworkInterfaceId").asText()).isEqualTo(eniId);
        List<String> ips = new ArrayList<>();
        assigned.at("/AssignedPrivateIpAddresses").forEach(a -> ips.add(a.at("/PrivateIpAddress").asText()));
        assertThat(ips).hasSize(2).allMatch(ip -> ip.startsWith("10.0."));

        JsonNode onNode = aws("describe-network-interfaces", "--filters",
                "Name=attachment.instance-id,Values=" + DefaultWorld.INSTANCE_M5_LARGE);
        assertThat(onNode.at("/NetworkInterfaces")).hasSize(2);
        JsonNode mine = null;
        for (JsonNode n : onNode.at("/NetworkInterfaces")) {
            if (n.at("/NetworkInterfaceId").asText().equals(eniId)) {
                mine = n;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.at("/Attachment/DeviceIndex").asInt()).isEqualTo(1);
        assertThat(mine.at("/Attachment/InstanceId").asText()).isEqualTo(DefaultWorld.INSTANCE_M5_LARGE);
        assertThat(mine.at("/Status").asText()).isEqualTo("in-use");
        List<String> secondary = new ArrayList<>();
        mine.at("/PrivateIpAddresses").forEach(a -> {
            if (!a.at("/Primary").asBoolean()) {
                secondary.add(a.at("/PrivateIpAddress").asText());
            }
        });
        assertThat(secondary).containsExactlyInAnyOrderElementsOf(ips);

        Run missing = run("describe-network-interfaces", "--network-interface-ids", "eni-00000000000000000");
        assertThat(missing.status()).isNotZero();
        assertThat(missing.err()).contains("InvalidNetworkInterfaceID.NotFound");
    }

    @Test
    void namedPrefixesAreAssignedAndAPrefixInUseIsRefused() throws Exception {
        JsonNode created = aws("create-network-interface", "--subnet-id", DefaultWorld.POD_SUBNET_A);
        String eniId = created.at("/NetworkInterface/NetworkInterfaceId").asText();
        String primary = created.at("/NetworkInterface/PrivateIpAddress").asText();
        aws("attach-network-interface", "--network-interface-id", eniId,
                "--instance-id", DefaultWorld.INSTANCE_M5_LARGE, "--device-index", "1");
        // the ENI's primary address is drawn at random; the prefix must not hold it
        String prefix = primary.startsWith("100.64.1.") ? "100.64.2.0/28" : "100.64.1.0/28";

        JsonNode v4 = aws("assign-private-ip-addresses", "--network-interface-id", eniId, "--ipv4-prefixes", prefix);
        assertThat(v4.at("/AssignedIpv4Prefixes/0/Ipv4Prefix").asText()).isEqualTo(prefix);
        JsonNode v6 = aws("assign-ipv6-addresses", "--network-interface-id", eniId,
                "--ipv6-prefixes", "2600:1f18:1234:5610:2a::/80");
        assertThat(v6.at("/AssignedIpv6Prefixes/0").asText()).isEqualTo("2600:1f18:1234:5610:2a::/80");

        JsonNode described = aws("describe-network-interfaces", "--network-interface-ids", eniId);
        assertThat(described.at("/NetworkInterfaces/0/Ipv4Prefixes/0/Ipv4Prefix").asText()).isEqualTo(prefix);
        assertThat(described.at("/NetworkInterfaces/0/Ipv6Prefixes/0/Ipv6Prefix").asText())
                .isEqualTo("2600:1f18:1234:5610:2a::/80");

        String other = aws("create-network-interface", "--subnet-id", DefaultWorld.POD_SUBNET_A)
                .at("/NetworkInterface/NetworkInterfaceId").asText();
        Run taken = run("assign-private-ip-addresses", "--network-interface-id", other, "--ipv4-prefixes", prefix);
        assertThat(taken.status()).isNotZero();
        assertThat(taken.err()).contains("InvalidParameterValue").contains(prefix);
    }

    record Run(int status, String out, String err) {
    }

    private JsonNode aws(String... args) throws Exception {
        Run r = run(args);
        assertThat(r.status()).as("aws ec2 %s failed: %s", args[0], r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(aws.toString(), "ec2"));
        command.addAll(List.of(args));
        command.addAll(List.of("--output", "json", "--endpoint-url", server.endpoint()));
        Path out = Files.createTempFile(home, "out", ".json");
        Path err = Files.createTempFile(home, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        env.put("AWS_SECRET_ACCESS_KEY", "x");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        // Keep the user's own AWS settings (profiles, retries, pagers) out of the test.
        env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        env.remove("AWS_PROFILE");
        env.remove("AWS_SESSION_TOKEN");
        env.put("AWS_MAX_ATTEMPTS", "1");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("aws " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
