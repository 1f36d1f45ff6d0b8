package dev.podnet.vpcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.net.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {

    /** The shipped example, found from the module directory the tests run in. */
    static Path example() {
        Path p = Path.of("..", "examples", "vpcsim-scenario.yaml");
        assertThat(p).exists();
        return p;
    }

    private static final String MINIMAL = """
            vpc: {id: vpc-1, cidrBlocks: [10.0.0.0/16]}
            subnets:
              - {id: subnet-1, az: us-east-1a, cidr: 10.0.0.0/24, tags: {role: 1}}
            securityGroups: [sg-1]
            instances:
              - {id: i-1, type: m5.large, subnet: subnet-1, securityGroups: [sg-1]}
            """;

    @Test
    void theExampleIsTheDefaultWorldWithOtherSettings() {
        Scenario s = Scenario.load(example());
        assertThat(s.world()).isEqualTo(DefaultWorld.spec());
        assertThat(s.throttle()).isEqualTo(new ThrottleConfig(new ThrottleConfig.Bucket(50, 5), new ThrottleConfig.Bucket(200, 40)));
        assertThat(s.attachDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.callLatency()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.seed()).isEqualTo(7);
        assertThat(s.faults()).containsExactly(
                new Scenario.Fault.Times("AssignPrivateIpAddresses", Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET, 2),
                new Scenario.Fault.Rate("DescribeNetworkInterfaces", Ec2Error.REQUEST_LIMIT_EXCEEDED, 0.05));
    }

    @Test
    void theEmulatorGetsTheFaults() {
        VirtualClock clock = new VirtualClock();
        VpcEmulator emulator = Scenario.load(example()).emulator(clock, clock);
        String eni = emulator.describeInstance(DefaultWorld.INSTANCE_M5_LARGE).networkInterfaces().getFirst().id();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> emulator.assignPrivateIpAddresses(eni, 1)).isInstanceOfSatisfying(
                    CloudException.class, e -> assertThat(e.is(Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET)).isTrue());
        }
        assertThat(emulator.assignPrivateIpAddresses(eni, 1)).hasSize(1);
        assertThat(clock.instant()).isAfter(VirtualClock.DEFAULT_START);
    }

    @Test
    void defaultsFillWhatAFileLeavesOut() {
        Scenario s = ScenarioReader.parse(MINIMAL, "s.yaml");
        assertThat(s.world().region()).isEqualTo("us-east-1");
        assertThat(s.world().subnets().getFirst().tags()).containsEntry("role", "1");
        assertThat(s.throttle()).isEqualTo(ThrottleConfig.EC2_DEFAULT);
        assertThat(s.attachDelay()).isZero();
        assertThat(s.seed()).isEqualTo(1);
        assertThat(s.faults()).isEmpty();
        assertThat(Scenario.defaults().world()).isEqualTo(DefaultWorld.spec());
    }

    @Test
    void throttleCanBeOffWholeOrPerBucket() {
        assertThat(ScenarioReader.parse(MINIMAL + "throttle: off\n", "s").throttle()).isEqualTo(ThrottleConfig.UNLIMITED);
        assertThat(ScenarioReader.parse(MINIMAL + "throttle: \"off\"\n", "s").throttle()).isEqualTo(ThrottleConfig.UNLIMITED);
        assertThat(ScenarioReader.parse(MINIMAL + "throttle: {describe: off}\n", "s").throttle())
                .isEqualTo(new ThrottleConfig(ThrottleConfig.EC2_DEFAULT.mutating(), ThrottleConfig.Bucket.UNLIMITED));
    }

    @Test
    void problemsNameTheFileAndTheField() {
        assertProblem(MINIMAL.replace("cidr: 10.0.0.0/24", "cidrr: 10.0.0.0/24"),
                "s.yaml: subnets[0].cidrr: unknown key; expected one of id, az, cidr, ipv6Cidr, tags");
        assertProblem(MINIMAL + "colour: red\n", "s.yaml: colour: unknown key; expected one of region, vpc, subnets,");
        assertProblem(MINIMAL + "throttle: {mutating: {capacity: lots, refillPerSecond: 1}}\n",
                "s.yaml: throttle.mutating.capacity: expected a whole number, got \"lots\"");
        assertProblem(MINIMAL + "throttle: {mutating: {capacity: 5}}\n", "s.yaml: throttle.mutating.refillPerSecond: missing");
        assertProblem(MINIMAL + "attachDelay: 2 seconds\n",
                "s.yaml: attachDelay: expected a duration like 2s, 500ms or 1m, got \"2 seconds\"");
        assertProblem(MINIMAL + "seed: 1.5\n", "s.yaml: seed: expected a whole number, got 1.5");
        assertProblem(MINIMAL.replace("securityGroups: [sg-1]\ninstances", "securityGroups: sg-1\ninstances"),
                "s.yaml: securityGroups: expected a list, got \"sg-1\"");
        assertProblem(MINIMAL.replace("id: vpc-1", "id: 7"), "s.yaml: vpc.id: expected a non-empty string, got 7");
        assertProblem(MINIMAL + "faults: [{action: AssignPrivateIpAddresses, error: Oops, times: 1}]\n",
                "s.yaml: faults[0].error: unknown EC2 error code \"Oops\"");
        assertProblem(MINIMAL + "faults: [{action: RunInstances, error: Unavailable, times: 1}]\n",
                "s.yaml: faults[0].action: unknown action \"RunInstances\"");
        assertProblem(MINIMAL + "faults: [{action: DescribeSubnets, error: Unavailable, times: 1, rate: 0.5}]\n",
                "s.yaml: faults[0]: give either times or rate");
        assertProblem(MINIMAL + "faults: [{action: DescribeSubnets, error: Unavailable, rate: 2}]\n",
                "s.yaml: faults[0].rate: must be more than 0 and at most 1, got 2.0");
        assertProblem(MINIMAL.replace("az: us-east-1a", "az: eu-west-1a"),
                "s.yaml: subnets[0].az: \"eu-west-1a\" is not an availability zone of region us-east-1");
        assertProblem(MINIMAL.replace("cidr: 10.0.0.0/24", "cidr: 10.1.0.0/24"), "s.yaml: subnet subnet-1: 10.1.0.0/24 lies inside no VPC");
        assertProblem(MINIMAL.replace("type: m5.large", "type: m5.huge"), "s.yaml: instance i-1: instance type \"m5.huge\"");
        assertProblem(MINIMAL.replace("vpc: {id: vpc-1, cidrBlocks: [10.0.0.0/16]}\n", ""), "s.yaml: vpc: missing");
        assertProblem("vpc: [unclosed\n", "s.yaml: not valid YAML");
        assertProblem("vpc: {id: a, id: b}\n", "s.yaml: not valid YAML: Duplicate field 'id'");
        assertProblem("", "s.yaml: the scenario is empty");
    }

    @Test
    void aMissingFileIsABadInput(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> Scenario.load(tmp.resolve("nope.yaml"))).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(tmp.resolve("nope.yaml") + ": cannot read the scenario");
        Path file = tmp.resolve("s.yaml");
        Files.writeString(file, MINIMAL + "callLatency: 250ms\n");
        assertThat(Scenario.load(file).callLatency()).isEqualTo(Duration.ofMillis(250));
    }

    private static void assertProblem(String yaml, String messageStart) {
        assertThatThrownBy(() -> ScenarioReader.parse(yaml, "s.yaml")).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(messageStart);
    }
}
