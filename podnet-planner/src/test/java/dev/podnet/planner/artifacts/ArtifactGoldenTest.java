package dev.podnet.planner.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.planner.artifacts.ArtifactFixtures.Scenario;
import dev.podnet.planner.report.Artifact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares every generated file with {@code src/test/resources/golden/<scenario>/<path>}, byte for byte, and checks
 * that no golden file is left over from an artifact that is no longer generated.
 * <p>
 * After an intended change to an artifact, rewrite the golden files and review the diff before committing it:
 * <pre>
 *   mvn -o -pl podnet-planner test -Dtest='ArtifactGoldenTest' -Dpodnet.updateGolden=true
 * </pre>
 */
class ArtifactGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final boolean UPDATE = Boolean.getBoolean("podnet.updateGolden");

    static Stream<Scenario> scenarios() {
        return ArtifactFixtures.scenarios();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void matchesGoldenFiles(Scenario scenario) throws IOException {
        Path dir = GOLDEN.resolve(scenario.name());
        List<Artifact> artifacts = ArtifactGenerator.generate(scenario.plan(), scenario.report());
        if (UPDATE) {
            rewrite(dir, artifacts);
        }
        for (Artifact artifact : artifacts) {
            Path golden = dir.resolve(artifact.path());
            assertThat(golden).as("golden file for %s; rerun with -Dpodnet.updateGolden=true", artifact.path())
                    .exists();
            assertThat(artifact.content()).as(golden.toString())
                    .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
        }
        assertThat(files(dir)).as("golden files without a generated artifact")
                .containsExactlyInAnyOrderElementsOf(artifacts.stream().map(Artifact::path).toList());
    }

    private static void rewrite(Path dir, List<Artifact> artifacts) throws IOException {
        if (Files.isDirectory(dir)) {
            for (String stale : files(dir)) {
                Files.delete(dir.resolve(stale));
            }
        }
        Files.createDirectories(dir);
        for (Artifact artifact : artifacts) {
            Files.writeString(dir.resolve(artifact.path()), artifact.content(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
