package dev.podnet.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.net.InstanceCatalogue;
import dev.podnet.planner.report.Finding;
import dev.podnet.planner.report.GroupResult;
import dev.podnet.planner.report.PlanReport;
import dev.podnet.planner.report.SubnetUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PlanEngineTest {
    private final PlanReader reader = new PlanReader(InstanceCatalogue.bundled());
    private final PlanEngine engine = new PlanEngine();

    private PlanReport example(String name) {
        return engine.plan(reader.read(Path.of("../examples", name)));
    }

    private PlanReport edited(String name, String from, String to) throws Exception {
        String yaml = Files.readString(Path.of("../examples", name));
        assertThat(yaml).contains(from);
        return engine.plan(reader.read(name, yaml.replace(from, to)));
    }

    /**
     * The seed: m5.large with custom networking has (3 - 1) x 9 + 2 = 20 max pods, so 18 pod addresses; c5.4xlarge
     * has 7 x 29 + 2 = 205. Nodes spread round-robin: general 4 per zone, compute 3 in each of 1a and 1b.
     */
    @Test
    void seedScenarioCustomNetworking() {
        PlanReport r = example("custom-networking.yaml");
        GroupResult general = r.groups().get(0);
        GroupResult compute = r.groups().get(1);
        assertThat(general.maxPods()).isEqualTo(20);
        assertThat(general.podsPlacedPerNode()).isEqualTo(18);
        assertThat(general.slotsPerEni()).containsExactly(0, 9, 9);
        assertThat(general.podSubnetAddresses()).isEqualTo(20);
        assertThat(general.nodeSubnetAddresses()).isEqualTo(1);
        assertThat(compute.maxPods()).isEqualTo(205);
        assertThat(compute.nodesPerZone()).containsEntry("eu-west-1a", 3).containsEntry("eu-west-1b", 3);
        // 6 ENIs of 29 hold the 120 pods with 54 free (>= 29), so no seventh is filled.
        assertThat(compute.slotsPerEni()).containsExactly(0, 29, 29, 29, 29, 29, 29);
        assertThat(compute.podSubnetAddresses()).isEqualTo(174 + 6);
        assertThat(r.podsHosted()).isEqualTo(12 * 18 + 6 * 120);

        SubnetUsage podsA = r.subnets().stream().filter(s -> s.role().equals("pods") && s.zone().equals("eu-west-1a"))
                .findFirst().orElseThrow();
        assertThat(podsA.used()).isEqualTo(4 * 20 + 3 * 180);
        assertThat(podsA.nodes()).isEqualTo(7);
        SubnetUsage nodesC = r.subnets().stream().filter(s -> s.role().equals("nodes") && s.zone().equals("eu-west-1c"))
                .findFirst().orElseThrow();
        assertThat(nodesC.used()).isEqualTo(4);
        assertThat(r.subnets()).filteredOn(s -> s.role().equals("pods")).extracting(SubnetUsage::cidr)
                .containsExactly("100.64.0.0/17", "100.64.128.0/18", "100.64.192.0/18");
        assertThat(r.cidrChecks()).singleElement().satisfies(c -> assertThat(c.allowed()).isTrue());
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.findings()).extracting(Finding::message)
                .anyMatch(m -> m.startsWith("nodeGroups[0].podsPerNode: 20 pods per node, but m5.large allows 20 pods (18"));
    }

    /** Prefix mode with a cap of 110: the pool stops at 7 prefixes (112 >= 110) whatever the pods. */
    @Test
    void prefixModeStopsAtMaxPods() {
        PlanReport r = example("prefix-mode.yaml");
        assertThat(r.groups()).allSatisfy(g -> {
            assertThat(g.maxPods()).isEqualTo(110);
            assertThat(g.slotsPerEni()).containsExactly(7);
            assertThat(g.heldAddresses()).isEqualTo(7 * 16 + 1);
        });
        assertThat(r.subnets()).allSatisfy(s -> assertThat(s.used()).isEqualTo(12L * 113));
    }

    @Test
    void aSubnetThatCannotHoldTheNodesIsAnError() throws Exception {
        PlanReport r = edited("private-cluster.yaml", "count: 8", "count: 120");
        assertThat(r.hasErrors()).isFalse();
        r = edited("prefix-mode.yaml", "nodeSubnet: 10.20.0.0/19", "nodeSubnet: 10.20.0.0/24");
        assertThat(r.findings()).filteredOn(f -> f.severity() == Finding.Severity.ERROR).extracting(Finding::message)
                .containsExactly("zones[0].nodeSubnet: us-east-1a node subnet 10.20.0.0/24 cannot hold the planned nodes: "
                        + "1,356 addresses needed, 251 usable (AWS reserves 5 per subnet)");
    }

    /** 13 workers and 2 large nodes of 113 addresses each in zone a: 1,695 of 2,043 usable addresses. */
    @Test
    void aNearlyFullSubnetIsAWarning() throws Exception {
        String yaml = Files.readString(Path.of("../examples/prefix-mode.yaml"))
                .replace("nodeSubnet: 10.20.0.0/19", "nodeSubnet: 10.20.0.0/21").replace("count: 30", "count: 39");
        PlanReport r = engine.plan(reader.read("prefix-mode.yaml", yaml));
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.findings()).filteredOn(f -> f.severity() == Finding.Severity.WARNING).extracting(Finding::message)
                .containsExactly("zones[0].nodeSubnet: us-east-1a node subnet 10.20.0.0/21 is 83% used: 348 addresses left");
    }

    @Test
    void aDisallowedSecondaryCidrIsAnErrorNamingTheRule() throws Exception {
        PlanReport r = edited("custom-networking.yaml", "secondaryCidrs: [100.64.0.0/16]", "secondaryCidrs: [192.168.0.0/16]");
        assertThat(r.hasErrors()).isTrue();
        assertThat(r.cidrChecks()).singleElement().satisfies(c -> assertThat(c.allowed()).isFalse());
        assertThat(r.findings()).extracting(Finding::message).anyMatch(m -> m.startsWith("vpc.secondaryCidrs[0]: ")
                && m.contains("192.168.0.0/16") && m.endsWith("[rule rfc1918-mix]"));
    }

    @Test
    void prefixModeOnXenFallsBackWithAWarning() throws Exception {
        PlanReport r = edited("prefix-mode.yaml", "instanceType: m5.xlarge", "instanceType: m4.xlarge");
        assertThat(r.groups().getFirst().maxPods()).isEqualTo(4 * 14 + 2);
        assertThat(r.findings()).extracting(Finding::message)
                .contains("nodeGroups[0].instanceType: m4.xlarge has no prefix delegation (not Nitro); its nodes fall back to secondary IPs");
    }
}
