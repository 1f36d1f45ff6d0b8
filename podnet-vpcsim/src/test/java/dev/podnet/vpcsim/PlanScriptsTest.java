package dev.podnet.vpcsim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.Subnet;
import dev.podnet.cloud.sim.Sleeper;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.VpcResources.RouteTable;
import dev.podnet.cloud.sim.VpcResources.RouteTableAssociation;
import dev.podnet.cloud.sim.VpcResources.VpcEndpoint;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.planner.ArtifactFiles;
import dev.podnet.planner.PlanArtifacts;
import dev.podnet.planner.PlanEngine;
import dev.podnet.planner.PlanReader;
import dev.podnet.planner.model.ClusterPlan;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts {@code podnet plan} writes for the examples, run unchanged with bash and the AWS CLI against vpcsim
 * (the endpoint comes from AWS_ENDPOINT_URL_EC2, as it would point anywhere else): the first run builds what the plan
 * says, a second run fails the way EC2 fails it and changes nothing. kubectl is a stub that records its arguments.
 */
class PlanScriptsTest {

    @TempDir
    Path home;
    private Ec2QueryServer server;
    private VpcEmulator emulator;

    @BeforeEach
    void requireTools() {
        Assumptions.assumeTrue(AwsCliTest.onPath("aws").isPresent(),
                "the AWS CLI (aws) is not on PATH; skipping the plan scripts test");
        Assumptions.assumeTrue(AwsCliTest.onPath("envsubst").isPresent(),
                "envsubst (gettext-base) is not on PATH; skipping the plan scripts test");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void customNetworkingSetupRunsOnceThenFailsWithCidrConflict() throws Exception {
        start("plans/custom-networking.yaml");
        Path dir = plan("custom-networking.yaml");
        String vpc = "vpc-0a1b2c3d4e5f60718";

        Run first = bash(dir.resolve("vpc-setup.sh"), Map.of());
        assertThat(first.status()).as("first run: %s", first.err()).isZero();
        assertThat(emulator.describeVpcs(List.of(vpc)).getFirst().cidrBlocks())
                .extracting(b -> b.cidrBlock() + " " + b.state())
                .containsExactly("10.0.0.0/16 associated", "100.64.0.0/16 associated");
        List<Subnet> pods = emulator.describeSubnets(List.of()).stream()
                .filter(s -> s.cidrBlock().startsWith("100.64.")).toList();
        assertThat(pods).extracting(s -> s.availabilityZone() + " " + s.cidrBlock()).containsExactly(
                "eu-west-1a 100.64.0.0/17", "eu-west-1b 100.64.128.0/18", "eu-west-1c 100.64.192.0/18");
        assertThat(pods.getFirst().tags()).containsEntry("Name", "shop-prod-pods-eu-west-1a")
                .containsEntry("kubernetes.io/cluster/shop-prod", "shared")
                .containsEntry("kubernetes.io/role/internal-elb", "1");
        for (int i = 0; i < 3; i++) {
            String table = "rtb-0aaa1111bbbb2222" + "cde".charAt(i);
            assertThat(subnetsOf(table)).contains(pods.get(i).id());
            assertThat(first.out()).contains("=" + pods.get(i).id());
        }
        assertThat(Files.readString(home.resolve("kubectl.args"))).isEqualTo("apply -f -\n");
        assertThat(Files.readString(home.resolve("kubectl.stdin"))).contains("subnet: \"" + pods.getFirst().id() + "\"");

        String before = world();
        Run second = bash(dir.resolve("vpc-setup.sh"), Map.of());
        assertThat(second.status()).isNotZero();
        assertThat(second.err()).contains("(CidrConflict) when calling the AssociateVpcCidrBlock operation");
        assertThat(world()).isEqualTo(before);

        Run again = aws("create-subnet", "--region", "eu-west-1", "--vpc-id", vpc, "--availability-zone", "eu-west-1a",
                "--cidr-block", "100.64.0.0/17");
        assertThat(again.status()).isNotZero();
        assertThat(again.err()).contains("(InvalidSubnet.Conflict) when calling the CreateSubnet operation");
        assertThat(world()).isEqualTo(before);
    }

    @Test
    void privateClusterSetupAndEndpointsRunOnceThenFail() throws Exception {
        start("plans/private-cluster.yaml");
        Path dir = plan("private-cluster.yaml");
        Map<String, String> ids = Map.of(
                "VPC_ID", "vpc-0ledger0000000001",
                "ROUTE_TABLE_EU_CENTRAL_1A", "rtb-0ledger000000000a",
                "ROUTE_TABLE_EU_CENTRAL_1B", "rtb-0ledger000000000b",
                "NODE_SUBNET_EU_CENTRAL_1A", "subnet-0ledger00000000a",
                "NODE_SUBNET_EU_CENTRAL_1B", "subnet-0ledger00000000b",
                "ENDPOINT_SECURITY_GROUP", "sg-0ledger00000000e4");

        Run setup = bash(dir.resolve("vpc-setup.sh"), ids);
        assertThat(setup.status()).as("vpc-setup.sh: %s", setup.err()).isZero();
        assertThat(emulator.describeSubnets(List.of())).extracting(Subnet::cidrBlock)
                .contains("100.64.0.0/18", "100.64.64.0/18");

        Run endpoints = bash(dir.resolve("vpc-endpoints.sh"), ids);
        assertThat(endpoints.status()).as("vpc-endpoints.sh: %s", endpoints.err()).isZero();
        List<VpcEndpoint> created = emulator.describeVpcEndpoints(List.of());
        assertThat(created).extracting(e -> e.type() + " " + e.serviceName().replace("com.amazonaws.eu-central-1.", ""))
                .containsExactly("Interface ec2", "Interface sts", "Interface ecr.api", "Interface ecr.dkr",
                        "Interface logs", "Interface elasticloadbalancing", "Interface eks", "Gateway s3");
        VpcEndpoint ec2 = created.getFirst();
        assertThat(ec2.subnetIds()).containsExactly("subnet-0ledger00000000a", "subnet-0ledger00000000b");
        assertThat(ec2.securityGroupIds()).containsExactly("sg-0ledger00000000e4");
        assertThat(ec2.privateDnsEnabled()).isTrue();
        assertThat(emulator.describeVpcs(List.of("vpc-0ledger0000000001")).getFirst().dnsHostnames()).isTrue();
        RouteTable a = emulator.describeRouteTables(List.of("rtb-0ledger000000000a")).getFirst();
        assertThat(a.routes()).anyMatch(r -> r.gatewayId().equals(created.getLast().id())
                && r.destinationPrefixListId().isPresent());

        String before = world();
        Run second = bash(dir.resolve("vpc-endpoints.sh"), ids);
        assertThat(second.status()).isNotZero();
        assertThat(second.err()).contains("(InvalidParameter) when calling the CreateVpcEndpoint operation")
                .contains("conflicting DNS domain");
        assertThat(world()).isEqualTo(before);
    }

    private void start(String scenario) throws Exception {
        emulator = Scenario.load(resource(scenario)).emulator(InstantSource.system(), Sleeper.REAL);
        server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0));
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path kubectl = bin.resolve("kubectl");
        Files.writeString(kubectl, "#!/bin/sh\necho \"$*\" >> \"$HOME/kubectl.args\"\ncat > \"$HOME/kubectl.stdin\"\n");
        kubectl.toFile().setExecutable(true);
    }

    /** What podnet plan --out-dir writes for an example, in a directory of its own. */
    private Path plan(String example) {
        Path file = Path.of("..", "examples", example);
        ClusterPlan plan = new PlanReader(InstanceCatalogue.bundled()).read(file);
        Path dir = home.resolve("plan-" + example.replace(".yaml", ""));
        ArtifactFiles.write(dir, PlanArtifacts.all(plan, new PlanEngine().plan(plan)));
        return dir;
    }

    /** The world as the Describe calls show it, to compare before and after a failed run. */
    private String world() {
        return emulator.describeVpcs(List.of()) + "\n" + emulator.describeSubnets(List.of()) + "\n"
                + emulator.describeRouteTables(List.of()) + "\n" + emulator.describeVpcEndpoints(List.of()) + "\n"
                + emulator.describeTags();
    }

    private List<String> subnetsOf(String routeTable) {
        return emulator.describeRouteTables(List.of(routeTable)).getFirst().associations().stream()
                .map(RouteTableAssociation::subnetId).flatMap(Optional::stream).toList();
    }

    record Run(int status, String out, String err) {
    }

    private Run bash(Path script, Map<String, String> env) throws Exception {
        return run(List.of("bash", script.toString()), env);
    }

    private Run aws(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("aws", "ec2"));
        command.addAll(List.of(args));
        return run(command, Map.of());
    }

    private Run run(List<String> command, Map<String, String> extra) throws Exception {
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", home.resolve("bin") + java.io.File.pathSeparator + System.getenv("PATH"));
        env.put("HOME", home.toString());
        env.put("AWS_ENDPOINT_URL_EC2", server.endpoint());
        env.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        env.put("AWS_SECRET_ACCESS_KEY", "x");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.remove("AWS_PROFILE");
        env.remove("AWS_SESSION_TOKEN");
        env.remove("AWS_ENDPOINT_URL");
        env.putAll(extra);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(PlanScriptsTest.class.getClassLoader().getResource(name).toURI());
    }
}
