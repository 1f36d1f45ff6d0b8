package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnet.net.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spiderpool's objects become podnet's with the same spec; what podnet would refuse converts nothing. */
class SpiderpoolConversionTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<JsonNode> read(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        YAML.readerFor(JsonNode.class).readValues(yaml).forEachRemaining(d -> docs.add((JsonNode) d));
        return docs;
    }

    private static ObjectNode named(SpiderpoolConversion.Result r, String name) {
        return r.objects().stream().filter(o -> o.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow();
    }

    @Test
    void theExampleConvertsAndEveryObjectReadsBackAsPodnets() throws IOException {
        SpiderpoolConversion.Result r = SpiderpoolConversion.convert(read(Files.readString(
                Path.of("../examples/spiderpool-objects.yaml"))));
        assertThat(r.objects()).extracting(o -> o.path("kind").asText() + " " + o.path("metadata").path("name").asText())
                .containsExactly("IPPool vlan100-v4", "IPPool vlan100-v6", "NetworkConfig macvlan-vlan100");
        ObjectNode v4 = named(r, "vlan100-v4");
        assertThat(v4.path("apiVersion").asText()).isEqualTo("podnet.dev/v1");
        assertThat(v4.path("metadata").has("uid")).isFalse();
        assertThat(v4.path("metadata").has("resourceVersion")).isFalse();
        assertThat(v4.has("status")).isFalse();
        assertThat(v4.path("spec").has("vlan")).isFalse();
        IpPool pool = IpPool.fromJson(v4, "test");
        assertThat(pool.labels()).containsEntry(PoolChoice.POOL_LABEL, "macvlan-vlan100");
        assertThat(pool.totalIps()).isEqualTo(160);
        NetworkConfig config = NetworkConfig.from(named(r, "macvlan-vlan100"));
        assertThat(config.pool()).hasValue("macvlan-vlan100");
        assertThat(config.link()).isEqualTo("eth1.100");
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("spec.vlan 100 left out"))
                .anySatisfy(n -> assertThat(n).contains("SpiderSubnet vlan100-subnet", "left out"))
                .anySatisfy(n -> assertThat(n).contains("labelled podnet.dev/pool=macvlan-vlan100"));
    }

    @Test
    void whatPodnetWouldRefuseConvertsNothingAndEveryRefusalIsNamed() throws IOException {
        assertThatThrownBy(() -> SpiderpoolConversion.convert(read("""
                apiVersion: spiderpool.spidernet.io/v2beta1
                kind: SpiderIPPool
                metadata: {name: bad}
                spec: {subnet: 10.0.0.0/24, ips: [10.0.1.5]}
                ---
                apiVersion: spiderpool.spidernet.io/v2beta1
                kind: SpiderMultusConfig
                metadata: {name: bonded, namespace: default}
                spec:
                  cniType: macvlan
                  macvlan: {master: [eth1, eth2]}
                """))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("nothing converted")
                .hasMessageContaining("IPPool \"bad\"")
                .hasMessageContaining("bonded");
    }

    @Test
    void aConfigNamingTwoPoolsNeedsThemInTheInputAndAPoolBelongsToOneGroup() throws IOException {
        String pools = """
                apiVersion: spiderpool.spidernet.io/v2beta1
                kind: SpiderIPPool
                metadata: {name: a4}
                spec: {ipVersion: 4, subnet: 10.0.0.0/24}
                ---
                apiVersion: spiderpool.spidernet.io/v2beta1
                kind: SpiderIPPool
                metadata: {name: a6}
                spec: {ipVersion: 6, subnet: "fd00::/64"}
                """;
        String config = """
                ---
                apiVersion: spiderpool.spidernet.io/v2beta1
                kind: SpiderMultusConfig
                metadata: {name: %s, namespace: default}
                spec:
                  cniType: ipvlan
                  ipvlan: {master: [eth1], ippools: {ipv4: [a4], ipv6: [%s]}}
                """;
        assertThatThrownBy(() -> SpiderpoolConversion.convert(read(pools + config.formatted("one", "elsewhere"))))
                .hasMessageContaining("names SpiderIPPool elsewhere, which is not in the input");
        assertThatThrownBy(() -> SpiderpoolConversion.convert(read(pools + config.formatted("one", "a6")
                + config.formatted("two", "a6")))).hasMessageContaining("a podnet IPPool belongs to one group");
        SpiderpoolConversion.Result r = SpiderpoolConversion.convert(read(pools + config.formatted("one", "a6")));
        assertThat(IpPool.fromJson(named(r, "a6"), "test").labels()).containsEntry(PoolChoice.POOL_LABEL, "one");
    }

    @Test
    void otherObjectsAreLeftOutAndSaidSo() throws IOException {
        SpiderpoolConversion.Result r = SpiderpoolConversion.convert(read("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                ---
                apiVersion: spiderpool.spidernet.io/v2beta1
                kind: SpiderReservedIP
                metadata: {name: keep-out}
                spec: {ips: [10.0.0.9]}
                """));
        assertThat(r.objects()).isEmpty();
        assertThat(r.notes()).containsExactly("ConfigMap settings: not a Spiderpool object, left out",
                "SpiderReservedIP keep-out: podnet has no counterpart, left out (add its ips to the pools' "
                        + "spec.excludeIPs)");
    }
}
