package dev.podnet.planner.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.planner.artifacts.ArtifactFixtures.Scenario;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.report.Artifact;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Only the files a mode needs are produced, and plans the generators cannot honour are refused. */
class ArtifactModeTest {

    private static List<String> paths(Scenario s) {
        return paths(s.plan(), s);
    }

    private static List<String> paths(ClusterPlan plan, Scenario s) {
        return ArtifactGenerator.generate(plan, s.report()).stream().map(Artifact::path).toList();
    }

    @Test
    void customNetworkingAddsEniConfigs() {
        assertThat(paths(ArtifactFixtures.customNetworking())).containsExactly("vpc-setup.sh",
                "security-group-rules.yaml", "eksctl-cluster.yaml", "aws-node-env.yaml", "eniconfigs.yaml");
    }

    @Test
    void prefixModeHasOnlyTheCommonFiles() {
        assertThat(paths(ArtifactFixtures.prefix())).containsExactly("vpc-setup.sh", "security-group-rules.yaml",
                "eksctl-cluster.yaml", "aws-node-env.yaml");
    }

    @Test
    void proxyAddsEndpointsUserDataAndProxyEnvironment() {
        assertThat(paths(ArtifactFixtures.privateCluster())).containsExactly("vpc-setup.sh", "vpc-endpoints.sh",
                "security-group-rules.yaml", "eksctl-cluster.yaml", "node-user-data.sh", "proxy-environment.yaml",
                "aws-node-env.yaml");
    }

    @Test
    void secondaryIpWithoutProxyHasNoEniConfigsAndNoProxyFiles() {
        Scenario s = ArtifactFixtures.privateCluster();
        ClusterPlan p = s.plan();
        ClusterPlan noProxy = new ClusterPlan(p.source(), p.name(), p.region(), p.mode(), p.vpc(), p.zones(),
                p.podCidr(), p.split(), p.serviceCidr(), p.warm(), p.nodeGroups(), p.securityGroups(),
                Optional.empty());
        assertThat(paths(noProxy, s)).containsExactly("vpc-setup.sh", "security-group-rules.yaml",
                "eksctl-cluster.yaml", "aws-node-env.yaml");
    }

    @Test
    void ipv6HasOnlyTheCommonFiles() {
        assertThat(paths(ArtifactFixtures.ipv6())).containsExactly("vpc-setup.sh", "security-group-rules.yaml",
                "eksctl-cluster.yaml", "aws-node-env.yaml");
    }

    @Test
    void dualStackAddsEniConfigsPoolsAndAttachment() {
        assertThat(paths(ArtifactFixtures.dualStack())).containsExactly("vpc-setup.sh", "security-group-rules.yaml",
                "eksctl-cluster.yaml", "aws-node-env.yaml", "eniconfigs.yaml", "ippools.yaml",
                "network-attachment-definition.yaml");
    }

    @Test
    void refusesAPodSubnetTooSmallForItsNodesPrefixes() {
        // a /25 holds eight /28s, six once AWS keeps the first and last; eu-west-1a's three nodes need 12
        Scenario s = ArtifactFixtures.dualStack("100.64.0.0/25", "100.64.128.0/17");
        assertThatThrownBy(() -> ArtifactGenerator.generate(s.plan(), s.report()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("100.64.0.0/25")
                .hasMessageContaining("eu-west-1a")
                .hasMessageContaining("holds 6 /28 prefixes")
                .hasMessageContaining("need 12");
    }

    @Test
    void refusesAReportWithoutTheZonesPodSubnet() {
        Scenario s = ArtifactFixtures.customNetworking();
        var report = new dev.podnet.planner.report.PlanReport(s.report().name(), s.report().region(),
                s.report().mode(), s.report().groups(), List.of(), List.of(), List.of());
        assertThatThrownBy(() -> ArtifactGenerator.generate(s.plan(), report))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no pod subnet for zone eu-west-1a");
    }
}
