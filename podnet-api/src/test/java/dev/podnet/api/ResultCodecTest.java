package dev.podnet.api;

import static dev.podnet.api.TestJson.bytes;
import static dev.podnet.api.TestJson.compact;
import static dev.podnet.api.TestJson.resource;
import static dev.podnet.api.TestJson.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResultCodecTest {
    private static final String FULL = "result-full-1.1.0.json";

    private static String golden(String from, String to) {
        // Only a 1.1.0 result carries the 1.1.0 fields; converting to any older version drops them for good.
        String name = from.equals(CniVersion.V1_1_0) && to.equals(CniVersion.V1_1_0) ? FULL : "result-plain-" + to + ".json";
        return compact(resource(name));
    }

    private static String input(String version) {
        return compact(resource(version.equals(CniVersion.V1_1_0) ? FULL : "result-plain-" + version + ".json"));
    }

    static Stream<Arguments> versionPairs() {
        return CniVersion.SUPPORTED.stream().flatMap(from -> CniVersion.SUPPORTED.stream().map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("versionPairs")
    void convertsBetweenEveryPairOfVersions(String from, String to) {
        CniResult decoded = ResultCodec.decode(bytes(input(from)), from);
        assertThat(decoded.cniVersion()).isEqualTo(from);

        assertThat(text(ResultCodec.encode(decoded, to))).isEqualTo(golden(from, to));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"})
    void encodingEqualsRestrictingThenEncoding(String version) {
        CniResult full = ResultCodec.decode(bytes(resource(FULL)), CniVersion.CURRENT);

        CniResult back = ResultCodec.decode(ResultCodec.encode(full, version), CniVersion.CURRENT);

        assertThat(back).isEqualTo(full.restrictTo(version));
    }

    @Test
    void theFullGoldenHasEveryExtendedField() {
        CniResult full = ResultCodec.decode(bytes(resource(FULL)), CniVersion.CURRENT);

        assertThat(full.interfaces().get(2)).isEqualTo(new CniResult.Interface("eth0", "99:88:77:66:55:44", 9001,
                "/var/run/netns/blue", "/run/vhost/eth0.sock", "0000:00:05.0"));
        assertThat(full.routes().get(1)).isEqualTo(new CniResult.Route("10.2.0.0/16", "10.1.0.254", 8950, 8910, 100, 0, 253));
        assertThat(full.ips()).extracting(CniResult.IpConfig::ipVersion).containsExactly("4", "6");
        assertThat(full.dns().domain()).isEqualTo("cluster.local");
    }

    @Test
    void readsTheSpecAppendixBridgeResultAndWritesItInLibcniOrder() {
        CniResult result = ResultCodec.decode(bytes(resource("spec-1.0.0-bridge-result.json")), CniVersion.V1_0_0);

        assertThat(result.cniVersion()).isEqualTo("1.0.0");
        assertThat(result.ips()).containsExactly(new CniResult.IpConfig("10.1.0.5/16", "10.1.0.1", 2));
        assertThat(text(ResultCodec.encode(result, CniVersion.V1_0_0))).isEqualTo("{\"cniVersion\":\"1.0.0\",\"interfaces\":["
                + "{\"name\":\"cni0\",\"mac\":\"00:11:22:33:44:55\"},{\"name\":\"veth3243\",\"mac\":\"55:44:33:22:11:11\"},"
                + "{\"name\":\"eth0\",\"mac\":\"99:88:77:66:55:44\",\"sandbox\":\"/var/run/netns/blue\"}],"
                + "\"ips\":[{\"interface\":2,\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{\"nameservers\":[\"10.1.0.1\"]}}");
        assertThat(text(ResultCodec.encode(result, CniVersion.V0_4_0)))
                .contains("\"ips\":[{\"version\":\"4\",\"interface\":2,\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"}]");
    }

    @Test
    void ipamResultsLeaveOutEmptySections() {
        CniResult ipam = CniResult.ofIps(CniVersion.V1_1_0, List.of(CniResult.IpConfig.of("10.1.0.5/16", "10.1.0.1")), List.of());

        assertThat(text(ResultCodec.encode(ipam, CniVersion.V1_1_0)))
                .isEqualTo("{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"}]}");
        assertThat(text(ResultCodec.encode(ipam, CniVersion.V0_3_1)))
                .isEqualTo("{\"cniVersion\":\"0.3.1\",\"ips\":[{\"version\":\"4\",\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"}]}");
    }

    @Test
    void emptyStringsAndNullsReadAsAbsent() {
        CniResult result = ResultCodec.decode(bytes("{\"cniVersion\":\"1.0.0\",\"interfaces\":null,\"ips\":[{\"address\":"
                + "\"10.0.0.2/24\",\"gateway\":\"\",\"interface\":null}],\"routes\":[{\"dst\":\"::/0\",\"gw\":null}],"
                + "\"dns\":{\"domain\":\"\"}}"), CniVersion.V1_0_0);

        assertThat(result.ips().get(0).gateway()).isNull();
        assertThat(result.dns().isEmpty()).isTrue();
        assertThat(text(ResultCodec.encode(result, "1.0.0")))
                .isEqualTo("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.2/24\"}],\"routes\":[{\"dst\":\"::/0\"}]}");
    }

    @Test
    void unknownKeysAnywhereAreIgnored() {
        CniResult result = ResultCodec.decode(bytes("{\"cniVersion\":\"1.1.0\",\"x\":{\"y\":[1,2,{}]},\"ips\":[{\"address\":"
                + "\"10.0.0.2/24\",\"metadata\":{\"k\":\"v\"}}],\"interfaces\":[{\"name\":\"eth0\",\"new\":true}]}"), "1.1.0");

        assertThat(result.ips()).hasSize(1);
        assertThat(result.interfaces()).containsExactly(CniResult.Interface.of("eth0", null, null));
    }

    @Test
    void anUnsupportedResultVersionIsCodeOne() {
        assertCode("{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.0.0.2/24\"}}", CniException.INCOMPATIBLE_VERSION);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"ips\":[{\"address\":\"10.0.0.2\"}]}",
        "{\"ips\":[{\"address\":\"10.0.0.256/24\"}]}",
        "{\"ips\":[{\"gateway\":\"10.0.0.1\"}]}",
        "{\"ips\":[{\"address\":\"10.0.0.2/24\",\"gateway\":\"2001:db8::1\"}]}",
        "{\"ips\":[{\"version\":\"6\",\"address\":\"10.0.0.2/24\"}]}",
        "{\"ips\":[{\"address\":\"10.0.0.2/24\",\"interface\":-1}]}",
        "{\"routes\":[{\"gw\":\"10.0.0.1\"}]}",
        "{\"routes\":[{\"dst\":\"10.0.0.0/33\"}]}",
        "{\"routes\":[{\"dst\":\"::/0\",\"gw\":\"10.0.0.1\"}]}",
        "{\"routes\":[{\"dst\":\"::/0\",\"mtu\":-5}]}",
        "{\"interfaces\":[{\"mac\":\"00:11:22:33:44:55\"}]}"
    })
    void invalidValuesAreCodeSeven(String json) {
        assertCode(json, CniException.INVALID_NETWORK_CONFIG);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"ips\":{}}",
        "{\"ips\":[\"10.0.0.2/24\"]}",
        "{\"ips\":[{\"address\":24}]}",
        "{\"ips\":[{\"address\":\"10.0.0.2/24\",\"interface\":\"2\"}]}",
        "{\"ips\":[{\"address\":\"10.0.0.2/24\",\"interface\":2.5}]}",
        "{\"routes\":[{\"dst\":\"::/0\",\"table\":99999999999}]}",
        "{\"dns\":[]}",
        "{\"dns\":{\"nameservers\":[null]}}",
        "{\"interfaces\":[{\"name\":\"eth0\",\"mtu\":true}]}",
        "[]",
        "{\"ips\":[]} {}",
        "{\"ips\":[]",
        ""
    })
    void wrongTypesAndBrokenJsonAreCodeSix(String json) {
        assertCode(json, CniException.DECODING_FAILURE);
    }

    @Test
    void errorsNameThePathOfTheBadValue() {
        assertThatThrownBy(() -> ResultCodec.decode(bytes("{\"ips\":[{\"address\":\"10.0.0.2/24\"},{\"address\":7}]}"), "1.1.0"))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.details()).startsWith("ips[1].address: expected a string"));
        assertThatThrownBy(() -> ResultCodec.decode(bytes("{\"routes\":[{\"dst\":\"::/0\",\"gw\":\"10.0.0.1\"}]}"), "1.1.0"))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.details()).startsWith("routes[0]: "));
    }

    @Test
    void recordsRefuseWhatTheWireCannotCarry() {
        assertThatThrownBy(() -> new CniResult("0.2.0", null, null, null, null)).isInstanceOf(CniException.class);
        assertThatThrownBy(() -> CniResult.IpConfig.of("10.0.0.1", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CniResult.Route.of("10.0.0.0/8", "::1")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertCode(String json, int code) {
        assertThatThrownBy(() -> ResultCodec.decode(bytes(json), CniVersion.V1_1_0))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).as(e.msg() + ": " + e.details()).isEqualTo(code));
    }
}
