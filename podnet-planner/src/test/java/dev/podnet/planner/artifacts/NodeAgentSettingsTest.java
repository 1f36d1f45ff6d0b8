package dev.podnet.planner.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.podnet.planner.artifacts.ArtifactFixtures.Scenario;
import dev.podnet.planner.report.Artifact;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** podnet's DaemonSet gets from a plan exactly what the plan's artifacts give aws-node. */
class NodeAgentSettingsTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    static Stream<Scenario> scenarios() {
        return ArtifactFixtures.all().stream();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void theSameAsTheArtifacts(Scenario s) throws Exception {
        List<Artifact> artifacts = ArtifactGenerator.generate(s.plan(), s.report());
        JsonNode patch = ArtifactYamlTest.documents(artifact(artifacts, AwsNodeEnv.PATH)).getFirst();
        List<NodeAgentSettings.EnvVar> patchEnv = new ArrayList<>();
        patch.at("/spec/template/spec/containers/0/env").forEach(
                e -> patchEnv.add(new NodeAgentSettings.EnvVar(e.get("name").asText(), e.get("value").asText())));
        assertThat(NodeAgentSettings.env(s.plan())).isEqualTo(patchEnv);

        List<JsonNode> eniConfigs = artifacts.stream().anyMatch(a -> a.path().equals(EniConfigs.PATH))
                ? ArtifactYamlTest.documents(artifact(artifacts, EniConfigs.PATH)) : List.of();
        assertThat(NodeAgentSettings.eniConfigs(s.plan()).stream().map(m -> (JsonNode) YAML.valueToTree(m)).toList())
                .isEqualTo(eniConfigs);

        if (s.plan().proxy().isPresent()) {
            assertThat((JsonNode) YAML.valueToTree(NodeAgentSettings.proxyConfigMap(s.plan()).orElseThrow()))
                    .isEqualTo(ArtifactYamlTest.documents(artifact(artifacts, ProxyEnvironment.PATH)).getFirst());
        } else {
            assertThat(NodeAgentSettings.proxyConfigMap(s.plan())).isEmpty();
        }
    }

    private static Artifact artifact(List<Artifact> artifacts, String path) {
        return artifacts.stream().filter(a -> a.path().equals(path)).findFirst().orElseThrow();
    }
}
