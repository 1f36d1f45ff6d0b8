package dev.podnet.planner.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.net.InstanceCatalogue;
import dev.podnet.planner.PlanEngine;
import dev.podnet.planner.PlanReader;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.report.Artifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * podnet-kube's slot-claiming tests apply the planner's ippools.yaml, copied into its test resources because
 * podnet-kube must not depend on the planner. This keeps the copies equal to what the planner writes.
 * <p>
 * After an intended change: {@code podnet plan examples/dual-stack-underlay.yaml --out-dir DIR} and copy
 * DIR/ippools.yaml over the fixture (for the four-slot one, the example with "count: 8").
 */
class KubeFixturesTest {
    private static final Path EXAMPLE = Path.of("../examples/dual-stack-underlay.yaml");
    private static final Path FIXTURES = Path.of("../podnet-kube/src/test/resources/ippools");

    @Test
    void theExamplesPoolsAreTheFixture() throws IOException {
        assertThat(ippools(Files.readString(EXAMPLE)))
                .isEqualTo(Files.readString(FIXTURES.resolve("dual-stack-underlay.yaml")));
    }

    @Test
    void theExampleWithFourNodesPerZoneIsTheFourSlotFixture() throws IOException {
        String yaml = Files.readString(EXAMPLE);
        assertThat(yaml).contains("count: 4");
        assertThat(ippools(yaml.replace("count: 4", "count: 8")))
                .isEqualTo(Files.readString(FIXTURES.resolve("four-slots-per-zone.yaml")));
    }

    private static String ippools(String planYaml) {
        ClusterPlan plan = new PlanReader(InstanceCatalogue.bundled()).read(EXAMPLE.getFileName().toString(), planYaml);
        return ArtifactGenerator.generate(plan, new PlanEngine().plan(plan)).stream()
                .filter(a -> a.path().equals(IpPools.PATH)).map(Artifact::content).findFirst().orElseThrow();
    }
}
