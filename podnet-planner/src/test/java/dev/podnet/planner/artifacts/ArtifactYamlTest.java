package dev.podnet.planner.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.podnet.net.Cidr;
import dev.podnet.planner.artifacts.ArtifactFixtures.Scenario;
import dev.podnet.planner.report.Artifact;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every YAML artifact parses, document by document, and carries the fields its consumer reads. */
class ArtifactYamlTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    static Stream<Scenario> scenarios() {
        return ArtifactFixtures.scenarios();
    }

    static List<JsonNode> documents(Artifact artifact) throws IOException {
        try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(artifact.content())) {
            return values.readAll();
        }
    }

    static Artifact artifact(Scenario s, String path) {
        return ArtifactGenerator.generate(s.plan(), s.report()).stream()
                .filter(a -> a.path().equals(path)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyYamlDocumentParsesToAnObject(Scenario s) throws IOException {
        for (Artifact artifact : ArtifactGenerator.generate(s.plan(), s.report())) {
            if (artifact.path().endsWith(".yaml")) {
                List<JsonNode> docs = documents(artifact);
                assertThat(docs).as(artifact.path()).isNotEmpty()
                        .allSatisfy(d -> assertThat(d.isObject() || d.isArray()).as(artifact.path()).isTrue());
                assertThat(artifact.description()).isNotBlank();
            }
        }
    }

    @Test
    void eniConfigsNameTheZoneAndPointAtItsPodSubnet() throws IOException {
        List<JsonNode> docs = documents(artifact(ArtifactFixtures.customNetworking(), "eniconfigs.yaml"));
        assertThat(docs).hasSize(3).allSatisfy(d -> {
            assertThat(d.path("apiVersion").asText()).isEqualTo("crd.k8s.amazonaws.com/v1alpha1");
            assertThat(d.path("kind").asText()).isEqualTo("ENIConfig");
            assertThat(d.path("spec").path("securityGroups").get(0).asText()).isEqualTo("sg-0123456789abcdef0");
        });
        assertThat(docs).extracting(d -> d.path("metadata").path("name").asText())
                .containsExactly("eu-west-1a", "eu-west-1b", "eu-west-1c");
        assertThat(docs.get(0).path("spec").path("subnet").asText()).isEqualTo("${POD_SUBNET_EU_WEST_1A}");
    }

    @Test
    void eniConfigsUseKnownSubnetIdsAndOmitEmptySecurityGroups() throws IOException {
        List<JsonNode> docs = documents(artifact(ArtifactFixtures.dualStack(), "eniconfigs.yaml"));
        assertThat(docs.get(0).path("spec").path("subnet").asText()).isEqualTo("subnet-0duopods000000000a");
        assertThat(docs.get(1).path("spec").path("subnet").asText()).isEqualTo("${POD_SUBNET_EU_WEST_1B}");
        assertThat(docs).allSatisfy(d -> assertThat(d.path("spec").has("securityGroups")).isFalse());
    }

    @Test
    void awsNodeEnvSetsTheModesVariablesAsStrings() throws IOException {
        assertThat(env(ArtifactFixtures.customNetworking())).containsExactly(
                "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true", "ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone",
                "WARM_ENI_TARGET=1");
        assertThat(env(ArtifactFixtures.prefix())).containsExactly("ENABLE_PREFIX_DELEGATION=true",
                "WARM_PREFIX_TARGET=1");
        assertThat(env(ArtifactFixtures.ipv6())).containsExactly("ENABLE_PREFIX_DELEGATION=true",
                "ENABLE_IPv6=true", "ENABLE_IPv4=false");
        assertThat(env(ArtifactFixtures.privateCluster())).containsExactly("WARM_IP_TARGET=5", "MINIMUM_IP_TARGET=10");
        assertThat(env(ArtifactFixtures.dualStack())).contains("MAX_ENI=2");
    }

    private static List<String> env(Scenario s) throws IOException {
        JsonNode container = documents(artifact(s, "aws-node-env.yaml")).getFirst()
                .at("/spec/template/spec/containers/0");
        assertThat(container.path("name").asText()).isEqualTo("aws-node");
        List<String> env = new ArrayList<>();
        for (JsonNode e : container.path("env")) {
            assertThat(e.path("value").isTextual()).as(e.toString()).isTrue();
            env.add(e.path("name").asText() + "=" + e.path("value").asText());
        }
        return env;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void eksctlConfigHasTheGroupsAndTheirMaxPods(Scenario s) throws IOException {
        JsonNode config = documents(artifact(s, "eksctl-cluster.yaml")).getFirst();
        assertThat(config.path("apiVersion").asText()).isEqualTo("eksctl.io/v1alpha5");
        assertThat(config.path("kind").asText()).isEqualTo("ClusterConfig");
        assertThat(config.at("/metadata/name").asText()).isEqualTo(s.plan().name());
        assertThat(config.at("/metadata/region").asText()).isEqualTo(s.plan().region());
        assertThat(config.at("/vpc/subnets/private").size()).isEqualTo(s.plan().zones().size());
        JsonNode groups = config.path("managedNodeGroups");
        assertThat(groups.size()).isEqualTo(s.plan().nodeGroups().size());
        for (int i = 0; i < groups.size(); i++) {
            JsonNode group = groups.get(i);
            var result = s.report().groups().get(i);
            assertThat(group.path("name").asText()).isEqualTo(result.name());
            assertThat(group.path("maxPodsPerNode").asInt()).isEqualTo(result.maxPods());
            assertThat(group.path("desiredCapacity").asInt()).isEqualTo(result.count());
            assertThat(group.path("privateNetworking").asBoolean()).isTrue();
        }
        assertThat(config.has("privateCluster")).isEqualTo(s.plan().proxy().isPresent());
    }

    @Test
    void ipv6EksctlConfigHasTheFamilyAndTheAddonsEksctlRequires() throws IOException {
        JsonNode config = documents(artifact(ArtifactFixtures.ipv6(), "eksctl-cluster.yaml")).getFirst();
        assertThat(config.at("/kubernetesNetworkConfig/ipFamily").asText()).isEqualTo("IPv6");
        assertThat(config.path("addons").findValuesAsText("name")).containsExactly("vpc-cni", "kube-proxy", "coredns");
    }

    @Test
    void ipPoolsAreOnePerSlotAndFamilyWithPrefixesInTheirZoneThatNeverRepeat() throws IOException {
        Scenario s = ArtifactFixtures.dualStack();
        List<JsonNode> pools = documents(artifact(s, "ippools.yaml"));
        List<String> slots = List.of("underlay-eu-west-1a-0", "underlay-eu-west-1a-1", "underlay-eu-west-1b-0",
                "underlay-eu-west-1b-1", "edge-eu-west-1a-0");
        assertThat(pools).extracting(p -> p.at("/metadata/name").asText()).containsExactlyElementsOf(
                slots.stream().flatMap(slot -> Stream.of(slot + "-v4", slot + "-v6")).toList());
        Set<Cidr> seen = new HashSet<>();
        for (JsonNode pool : pools) {
            String name = pool.at("/metadata/name").asText();
            String slot = name.substring(0, name.length() - 3);
            String group = slot.substring(0, slot.indexOf('-'));
            JsonNode labels = pool.at("/metadata/labels");
            String zone = labels.path("topology.kubernetes.io/zone").asText();
            assertThat(pool.path("apiVersion").asText()).isEqualTo("podnet.dev/v1");
            assertThat(pool.path("kind").asText()).isEqualTo("IPPool");
            assertThat(pool.at("/metadata").has("namespace")).as("IPPool is cluster-scoped").isFalse();
            assertThat(labels.path("podnet.dev/pool").asText()).isEqualTo("underlay");
            assertThat(labels.path("podnet.dev/node-slot").asText()).isEqualTo(slot);
            assertThat(labels.path("podnet.dev/node-group").asText()).isEqualTo(group);
            assertThat(pool.at("/spec/nodeSlot/nodeGroup").asText()).isEqualTo(group);
            assertThat(pool.at("/spec/nodeSlot/zone").asText()).isEqualTo(zone);
            assertThat(pool.at("/spec").has("nodeName")).as("a slot starts free").isFalse();
            int zoneIndex = s.plan().zones().stream().map(z -> z.name()).toList().indexOf(zone);
            JsonNode ips = pool.at("/spec/ips");
            if (name.endsWith("-v4")) {
                Cidr subnet = new PlanView(s.plan(), s.report()).podSubnet(zone);
                assertThat(pool.at("/spec/ipVersion").asInt()).isEqualTo(4);
                assertThat(pool.at("/spec/subnet").asText()).isEqualTo(subnet.toString());
                assertThat(pool.at("/spec/gateway").asText()).isEqualTo(subnet.subnet(32, 1).firstAddress());
                assertThat(ips.size()).isEqualTo(group.equals("edge") ? 2 : 5);
                for (JsonNode p : ips) {
                    Cidr prefix = Cidr.parse(p.asText());
                    assertThat(prefix.prefixLength()).isEqualTo(28);
                    assertThat(subnet.contains(prefix)).as("%s in %s", prefix, subnet).isTrue();
                    assertThat(prefix.firstAddress()).isNotEqualTo(subnet.firstAddress());
                    assertThat(seen.add(prefix)).as("%s repeats", prefix).isTrue();
                }
            } else {
                Cidr zone64 = s.plan().vpc().ipv6Cidr().orElseThrow().subnet(64, zoneIndex);
                assertThat(pool.at("/spec/ipVersion").asInt()).isEqualTo(6);
                assertThat(pool.at("/spec/subnet").asText()).isEqualTo(zone64.toString());
                assertThat(pool.at("/spec").has("gateway")).isFalse();
                assertThat(ips.size()).isEqualTo(1);
                Cidr v6 = Cidr.parse(ips.get(0).asText());
                assertThat(v6.prefixLength()).isEqualTo(80);
                assertThat(zone64.contains(v6)).as("%s in %s", v6, zone64).isTrue();
                assertThat(v6.firstAddress()).isNotEqualTo(zone64.firstAddress());
                assertThat(seen.add(v6)).as("%s repeats", v6).isTrue();
            }
        }
    }

    @Test
    void aLongSlotNameIsCutToAValidDnsNameThatStaysDistinct() {
        String group = "A".repeat(50);
        String first = IpPools.slotId(group + "-eu-west-1a-0");
        String second = IpPools.slotId(group + "-eu-west-1a-1");
        assertThat(first).hasSizeLessThanOrEqualTo(60).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").isNotEqualTo(second);
        assertThat(IpPools.slotId("underlay-eu-west-1a-0")).isEqualTo("underlay-eu-west-1a-0");
    }

    @Test
    void attachmentConfigIsTheUnderlayCniJson() throws IOException {
        JsonNode nad = documents(artifact(ArtifactFixtures.dualStack(), "network-attachment-definition.yaml")).getFirst();
        assertThat(nad.path("apiVersion").asText()).isEqualTo("k8s.cni.cncf.io/v1");
        assertThat(nad.path("kind").asText()).isEqualTo("NetworkAttachmentDefinition");
        assertThat(nad.at("/metadata/name").asText()).isEqualTo("podnet-underlay");
        assertThat(nad.at("/metadata/namespace").asText()).isEqualTo("default");
        JsonNode config = new ObjectMapper().readTree(nad.at("/spec/config").asText());
        assertThat(config).isEqualTo(new ObjectMapper().readTree("""
                {"cniVersion":"1.0.0","name":"podnet-underlay","type":"ipvlan","master":"eth1","mode":"l2",
                 "ipam":{"type":"podnet-ipam","agentSocket":"/run/podnet/agent.sock","pool":"underlay"}}"""));
    }

    @Test
    void securityGroupRulesHaveAReasonEachAndTheProxyRules() throws IOException {
        JsonNode rules = documents(artifact(ArtifactFixtures.privateCluster(), "security-group-rules.yaml")).getFirst()
                .path("rules");
        assertThat(rules.isArray()).isTrue();
        for (JsonNode rule : rules) {
            assertThat(rule.fieldNames()).toIterable()
                    .contains("direction", "protocol", "ports", "source", "reason");
            assertThat(rule.path("reason").asText()).endsWith(".").doesNotContain(". ");
        }
        assertThat(rules.findValuesAsText("ports")).contains("all", "443", "3128", "10250");
        JsonNode plain = documents(artifact(ArtifactFixtures.prefix(), "security-group-rules.yaml")).getFirst()
                .path("rules");
        assertThat(plain.findValuesAsText("ports")).containsExactly("all", "10250");
    }

    @Test
    void proxyEnvironmentHasTheConfigMapAndTheEnvFromPatches() throws IOException {
        List<JsonNode> docs = documents(artifact(ArtifactFixtures.privateCluster(), "proxy-environment.yaml"));
        assertThat(docs).hasSize(2);
        JsonNode configMap = docs.get(0);
        assertThat(configMap.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(configMap.at("/metadata/name").asText()).isEqualTo("proxy-environment-variables");
        assertThat(configMap.at("/metadata/namespace").asText()).isEqualTo("kube-system");
        assertThat(configMap.at("/data/HTTP_PROXY").asText()).isEqualTo("http://proxy.corp.internal:3128");
        assertThat(configMap.at("/data/HTTPS_PROXY").asText()).isEqualTo("http://proxy.corp.internal:3128");
        assertThat(configMap.at("/data/NO_PROXY").asText()).startsWith("10.2.0.0/16,10.3.0.0/16,172.20.0.0/16,");
        JsonNode items = docs.get(1).path("items");
        assertThat(items.findValuesAsText("name")).contains("aws-node", "kube-proxy");
        for (JsonNode item : items) {
            JsonNode container = item.at("/spec/template/spec/containers/0");
            assertThat(container.path("name").asText()).isEqualTo(item.at("/metadata/name").asText());
            assertThat(container.at("/envFrom/0/configMapRef/name").asText())
                    .isEqualTo("proxy-environment-variables");
        }
    }
}
