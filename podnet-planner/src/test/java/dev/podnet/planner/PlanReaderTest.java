package dev.podnet.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.podnet.net.InstanceCatalogue;
import dev.podnet.planner.input.PlanInputException;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.model.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanReaderTest {
    private static final String VALID = """
            name: demo
            region: eu-west-1
            mode: custom-networking
            vpc:
              cidr: 10.0.0.0/16
              secondaryCidrs: [100.64.0.0/16]
            zones:
              - name: eu-west-1a
                nodeSubnet: 10.0.0.0/20
              - name: eu-west-1b
                nodeSubnet: 10.0.16.0/20
            nodeGroups:
              - name: general
                instanceType: m5.large
                count: 3
                podsPerNode: 20
            """;

    private final PlanReader reader = new PlanReader(InstanceCatalogue.bundled());

    @Test
    void readsAValidPlanWithDefaults() {
        ClusterPlan plan = reader.read("demo.yaml", VALID);
        assertThat(plan.mode()).isEqualTo(Mode.CUSTOM_NETWORKING);
        assertThat(plan.podCidr()).map(Object::toString).contains("100.64.0.0/16");
        assertThat(plan.serviceCidr()).hasToString("172.20.0.0/16");
        assertThat(plan.warm().warmEniTarget()).isEqualTo(1);
        assertThat(plan.warm().warmPrefixTarget()).isEqualTo(1);
        assertThat(plan.nodeGroups().getFirst().zones()).containsExactly("eu-west-1a", "eu-west-1b");
        assertThat(plan.nodeGroups().getFirst().nodesIn("eu-west-1a")).isEqualTo(2);
        assertThat(plan.nodeGroups().getFirst().nodesIn("eu-west-1b")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key with a hint     | podsPerNode: 20|podsPerNod: 20   | demo.yaml: nodeGroups[0] (line 16): unknown key "podsPerNod"; did you mean "podsPerNode"?
            unknown instance type       | m5.large|m5.larg                 | demo.yaml: nodeGroups[0].instanceType: unknown instance type "m5.larg"; did you mean m5.large?
            host bits in a CIDR         | 10.0.16.0/20|10.0.16.1/20        | demo.yaml: zones[1].nodeSubnet: "10.0.16.1/20" has host bits set; did you mean 10.0.16.0/20?
            malformed CIDR              | 10.0.0.0/16|10.0.0/16            | demo.yaml: vpc.cidr: "10.0.0/16" is not a valid CIDR
            negative count              | count: 3|count: -3               | demo.yaml: nodeGroups[0].count: -3 is negative; use 0 or more
            text where a number goes    | count: 3|count: three            | demo.yaml: nodeGroups[0].count (line 15): "three" is not a whole number
            a quoted number             | count: 3|count: '3'              | demo.yaml: nodeGroups[0].count (line 15): "3" is not a whole number
            a fraction                  | count: 3|count: 2.5              | demo.yaml: nodeGroups[0].count (line 15): 2.5 is not a whole number
            unknown mode                | custom-networking|custom-network | demo.yaml: mode: unknown mode "custom-network"; one of secondary-ip, prefix, custom-networking, ipv6, dual-stack
            zone outside the region     | eu-west-1b|eu-central-1b         | demo.yaml: zones[1].name: "eu-central-1b" is not an availability zone of eu-west-1
            subnet outside the VPC      | 10.0.16.0/20|10.1.16.0/20        | demo.yaml: zones[1].nodeSubnet: 10.1.16.0/20 is not inside the VPC's blocks [10.0.0.0/16, 100.64.0.0/16]
            overlapping node subnets    | 10.0.16.0/20|10.0.8.0/21         | demo.yaml: zones[1].nodeSubnet: 10.0.8.0/21 overlaps eu-west-1a's node subnet 10.0.0.0/20
            duplicate key               | region: eu-west-1|region: eu-west-1\\nregion: eu-west-2 | demo.yaml: not valid YAML (line 3): Duplicate field 'region'
            """)
    void badInputGetsOneClearMessage(String what, String from, String to, String expected) {
        String yaml = VALID.replace(from, to.replace("\\n", "\n"));
        assertThat(yaml).as("the test edits the plan").isNotEqualTo(VALID);
        PlanInputException e = catchThrowableOfType(PlanInputException.class, () -> reader.read("demo.yaml", yaml));
        assertThat(e).as(what).isNotNull();
        assertThat(e.problems()).as(what).hasSize(1);
        assertThat(e.problems().getFirst()).as(what).startsWith(expected);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String yaml = VALID.replace("count: 3", "count: -3").replace("m5.large", "m9.huge").replace("10.0.0.0/20", "10.0.0.0/33");
        PlanInputException e = catchThrowableOfType(PlanInputException.class, () -> reader.read("demo.yaml", yaml));
        assertThat(e.problems()).hasSize(3);
    }

    @Test
    void missingFieldsAreNamed() {
        PlanInputException e = catchThrowableOfType(PlanInputException.class, () -> reader.read("x.yaml", "name: demo\n"));
        assertThat(e.problems()).contains("x.yaml: region: is required (an AWS region such as eu-west-1)",
                "x.yaml: vpc: is required (at least vpc.cidr)",
                "x.yaml: zones: is required: list the availability zones with their node subnets",
                "x.yaml: nodeGroups: is required: list the node groups (name, instanceType, count, podsPerNode)");
    }

    @Test
    void emptyOrNonYamlFilesAreRefused() {
        assertThat(catchThrowableOfType(PlanInputException.class, () -> reader.read("e.yaml", "")).problems())
                .containsExactly("e.yaml: the file is empty");
        assertThat(catchThrowableOfType(PlanInputException.class, () -> reader.read("e.yaml", "[1, 2")).problems().getFirst())
                .startsWith("e.yaml: ");
        assertThat(catchThrowableOfType(PlanInputException.class, () -> reader.read(java.nio.file.Path.of("/nonexistent/p.yaml")))
                .problems()).isEqualTo(List.of("/nonexistent/p.yaml: no such file"));
    }
}
