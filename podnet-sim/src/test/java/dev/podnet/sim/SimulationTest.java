package dev.podnet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {

    static Scenario tiny() {
        try (InputStream in = SimulationTest.class.getResourceAsStream("/tiny.yaml")) {
            return ScenarioReader.parse("tiny.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static RunResult run(String policy) {
        Scenario s = tiny();
        return Simulation.run(s, Policies.create(policy, s));
    }

    @Test
    void theSameSeedGivesTheSameNumbers() {
        RunResult a = run("vpc-cni");
        RunResult b = run("vpc-cni");
        assertThat(SimulationReport.json(List.of(a))).isEqualTo(SimulationReport.json(List.of(b)));
        assertThat(a.samples()).isEqualTo(b.samples());
        assertThat(a.podsStarted()).isPositive();
    }

    @Test
    void everyRegisteredPolicyKeepsItsInvariants() {
        for (String name : Policies.names()) {
            RunResult r = run(name);
            assertThat(r.violations()).as(name).isEmpty();
            assertThat(r.running()).as(name).isPositive();
            assertThat(r.heldPerRunningPod()).as(name).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void vpcCniDefaultsHoldMorePerPodThanWarmIpTargetOne() {
        RunResult defaults = run("vpc-cni");
        RunResult warmIp = run("vpc-cni:WARM_IP_TARGET=1");
        assertThat(defaults.podsStarted()).isEqualTo(warmIp.podsStarted());
        assertThat(defaults.heldPerRunningPod()).isGreaterThan(warmIp.heldPerRunningPod());
        assertThat(warmIp.ec2Calls()).isGreaterThan(defaults.ec2Calls());
    }

    @Test
    void theOracleHoldsTheLeast() {
        RunResult oracle = run("oracle");
        RunResult defaults = run("vpc-cni");
        assertThat(oracle.heldPerRunningPod()).isLessThan(defaults.heldPerRunningPod());
    }

    @Test
    void printsTheTable() {
        Scenario s = tiny();
        List<RunResult> all = Policies.names().stream().map(n -> Simulation.run(s, Policies.create(n, s))).toList();
        System.out.println(SimulationReport.text(s, all));
        System.out.println(SimulationReport.json(all));
    }
}
