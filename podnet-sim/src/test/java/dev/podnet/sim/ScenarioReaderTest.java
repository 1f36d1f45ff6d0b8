package dev.podnet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ScenarioReaderTest {
    private static final String GOOD = """
            duration: 10m
            nodeGroups:
              - {name: g, instanceType: m5.large, count: 2, subnet: 10.0.0.0/20}
            workload:
              arrivalsPerHour: 5
              lifetime: {distribution: fixed, mean: 5m}
            """;

    @Test
    void readsTheTinyScenarioWithItsDefaults() {
        Scenario s = SimulationTest.tiny();
        assertThat(s.duration()).isEqualTo(Duration.ofMinutes(20));
        assertThat(s.nodeGroups()).hasSize(1);
        assertThat(s.events()).containsExactly(new Scenario.NodeEvent(Duration.ofMinutes(2), "small", 5),
                new Scenario.NodeEvent(Duration.ofMinutes(15), "small", -2));
        assertThat(s.workload().diurnal()).contains(new Scenario.Diurnal(0.5, Duration.ofHours(14)));
        assertThat(s.workload().bursts()).containsExactly(new Scenario.Burst(Duration.ofMinutes(10), 4, Optional.empty()));
        Scenario minimal = ScenarioReader.parse("good.yaml", GOOD);
        assertThat(minimal.ec2()).isEqualTo(Scenario.Ec2.DEFAULTS);
        assertThat(minimal.seed()).isEqualTo(1);
        assertThat(minimal.nodeGroups().getFirst().zone()).isEqualTo("us-east-1a");
    }

    /** Each row: a line of GOOD replaced by a bad one, and what the error must name. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            duration: 10m                                 | duration: 10 minutes                     | s.yaml: duration: "10 minutes": must be a duration
            duration: 10m                                 | duration: 0s                             | s.yaml: duration: "0s": must be longer than 0
            duration: 10m                                 | duratoin: 10m                            | s.yaml: duration: is required
            duration: 10m                                 | duration: 10m\\nspeed: 3                 | s.yaml: speed: is not a field here
            count: 2                                      | count: -3                                | s.yaml: nodeGroups[0].count: "-3": must be a whole number from 0
            count: 2                                      | count: 2, colour: red                    | s.yaml: nodeGroups[0].colour: is not a field here
            instanceType: m5.large                        | instanceType: m5.huge                    | s.yaml: nodeGroups[0].instanceType: "m5.huge": is not an instance type
            subnet: 10.0.0.0/20                           | subnet: 10.0.0.1/20                      | s.yaml: nodeGroups[0].subnet: "10.0.0.1/20": must be an IPv4 CIDR block
            subnet: 10.0.0.0/20                           | subnet: 10.0.0.0/8                       | s.yaml: nodeGroups[0].subnet: "10.0.0.0/8"
            arrivalsPerHour: 5                            | arrivalsPerHour: lots                    | s.yaml: workload.arrivalsPerHour: "lots": must be a number
            arrivalsPerHour: 5                            | arrivalsPerHour: 5\\n  fill: 1.5         | s.yaml: workload.fill: "1.5": must be a fraction
            distribution: fixed                           | distribution: normal                     | s.yaml: workload.lifetime.distribution: "normal": must be exponential, fixed or uniform
            workload:                                     | events: [{at: 1m, group: h, add: 3}]\\nworkload: | s.yaml: events[0].group: "h": names no node group
            workload:                                     | events: [{at: 1m, group: g, add: 0}]\\nworkload: | s.yaml: events[0].add: "0": must be a whole number from 1
            workload:                                     | ec2: {throttleRate: -1}\\nworkload:      | s.yaml: ec2.throttleRate: "-1": must be a number
            """)
    void refusesBadInputNamingFileFieldAndValue(String good, String bad, String message) {
        String yaml = GOOD.replace(good, bad.replace("\\n", "\n"));
        assertThat(yaml).isNotEqualTo(GOOD);
        assertThatThrownBy(() -> ScenarioReader.parse("s.yaml", yaml)).isInstanceOf(ScenarioException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesAnUnknownPolicyAndUnknownSettings() {
        Scenario s = ScenarioReader.parse("good.yaml", GOOD);
        assertThatThrownBy(() -> Policies.create("lru", s)).hasMessageContaining("\"lru\" is not registered");
        assertThatThrownBy(() -> Policies.create("vpc-cni:WARM_IP=1", s)).hasMessageContaining("WARM_IP=1");
        assertThatThrownBy(() -> Policies.create("podnet-adaptive:budget=2", s)).hasMessageContaining("budget=\"2\"");
        assertThat(Policies.create("vpc-cni:WARM_IP_TARGET=1", s).name()).isEqualTo("vpc-cni:WARM_IP_TARGET=1");
        assertThatThrownBy(() -> Policies.forNode("oracle", PolicyContext.of(s)))
                .hasMessageContaining("runs only in the simulator").hasMessageContaining("podnet-adaptive");
        assertThat(Policies.forNode("podnet-adaptive", PolicyContext.of(s)).name()).isEqualTo("podnet-adaptive");
    }
}
