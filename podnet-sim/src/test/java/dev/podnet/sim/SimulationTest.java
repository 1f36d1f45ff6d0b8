package dev.podnet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationTest {

    static Scenario tiny() {
        return resource("tiny.yaml");
    }

    static Scenario resource(String name) {
        try (InputStream in = SimulationTest.class.getResourceAsStream("/" + name)) {
            return ScenarioReader.parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
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

    /**
     * The churn example in small: the adaptive policy holds fewer addresses per pod than the VPC CNI's defaults with no
     * more cold starts (none) and fewer EC2 calls, none throttled; the oracle holds fewer still.
     */
    @Test
    void adaptiveHoldsLessThanTheVpcCniDefaultsWithoutColdStartsUnderChurn() {
        Scenario s = resource("churn-small.yaml");
        RunResult vpcCni = Simulation.run(s, Policies.create("vpc-cni", s));
        RunResult adaptive = Simulation.run(s, Policies.create("podnet-adaptive", s));
        RunResult oracle = Simulation.run(s, Policies.create("oracle", s));
        assertThat(adaptive.violations()).isEmpty();
        assertThat(adaptive.coldStarts()).isLessThanOrEqualTo(vpcCni.coldStarts());
        assertThat(adaptive.heldPerRunningPod()).isLessThan(vpcCni.heldPerRunningPod() - 0.1);
        assertThat(adaptive.ec2Calls()).isLessThan(vpcCni.ec2Calls());
        assertThat(adaptive.throttledCalls()).isZero();
        assertThat(vpcCni.throttledCalls()).isPositive();
        assertThat(oracle.heldPerRunningPod()).isLessThan(adaptive.heldPerRunningPod());
    }

    /** A join storm in small: 30 nodes at once against a small EC2 bucket. */
    private static final String STORM = """
            duration: 15m
            seed: 3
            ec2: {throttleRate: 2, throttleBurst: 10}
            nodeGroups:
              - {name: g, instanceType: m5.large, count: 0, subnet: 10.0.0.0/18}
            events:
              - {at: 1m, group: g, add: 30}
            workload:
              arrivalsPerHour: 4
              fill: [0.5, 0.8]
              lifetime: {distribution: exponential, mean: 1h}
            """;

    @Test
    void theSharedBudgetKeepsAJoinStormOutOfThrottling() {
        Scenario s = ScenarioReader.parse("storm.yaml", STORM);
        RunResult vpcCni = Simulation.run(s, Policies.create("vpc-cni", s));
        RunResult adaptive = Simulation.run(s, Policies.create("podnet-adaptive", s));
        assertThat(vpcCni.throttledCalls()).isPositive();
        assertThat(adaptive.throttledCalls()).isZero();
        assertThat(adaptive.violations()).isEmpty();
        assertThat(adaptive.scaleUpSeconds()).isPresent();
    }

    @Test
    void theBudgetQueuesCallsAtItsRate() {
        CallBudget budget = CallBudget.tokenBucket(2, 3);
        assertThat(List.of(budget.reserve(0), budget.reserve(0), budget.reserve(0), budget.reserve(0), budget.reserve(0)))
                .containsExactly(0L, 0L, 0L, 500L, 1000L);
        assertThat(budget.reserve(10_000)).isEqualTo(10_000L);
    }

    @Test
    void samplesCountColdStartsAsTheyHappenAndTheCsvCarriesThem(@TempDir Path dir) throws IOException {
        RunResult r = run("vpc-cni:WARM_IP_TARGET=1");
        List<Long> cold = r.samples().stream().map(RunResult.Sample::coldStarts).toList();
        assertThat(cold).isSorted().first().isEqualTo(0L);
        assertThat(cold.getLast()).isPositive().isLessThanOrEqualTo(r.coldStarts());

        List<String> csv = Files.readAllLines(SimulationReport.csv(dir, List.of(r)).getFirst());
        assertThat(csv.getFirst()).endsWith(",subnetUsed,coldStarts");
        assertThat(csv).hasSize(1 + r.samples().size());
        assertThat(csv.getLast()).endsWith("," + cold.getLast());
    }

    @Test
    void theTableHasARowAndTheJsonAnEntryPerPolicyWithTheIssuesFields() throws IOException {
        Scenario s = tiny();
        List<RunResult> all = Policies.names().stream().map(n -> Simulation.run(s, Policies.create(n, s))).toList();
        String text = SimulationReport.text(s, all);
        System.out.println(text);
        for (String name : Policies.names()) {
            assertThat(text).containsPattern("(?m)^" + name + " +\\d+\\.\\d\\d ");
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(SimulationReport.json(all)).get("policies");
        assertThat(json).hasSize(all.size());
        assertThat(json.get(0).fieldNames()).toIterable().contains("name", "heldPerRunningPod", "heldPerRunningPodP95",
                "coldStarts", "waitP99Seconds", "ec2Calls", "throttledCalls", "peakSubnetUsed", "scaleUpSeconds");
        assertThat(json.get(0).get("name").asText()).isEqualTo(Policies.names().getFirst());
    }
}
