package dev.podnet.api;

import static dev.podnet.api.TestJson.bytes;
import static dev.podnet.api.TestJson.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PluginOutputTest {
    @Test
    void versionReportListsEverySupportedVersion() {
        assertThat(text(PluginOutput.version()))
                .isEqualTo("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}");
        assertThat(PluginOutput.decodeVersion(PluginOutput.version()))
                .isEqualTo(new PluginOutput.VersionInfo("1.1.0", CniVersion.SUPPORTED));
    }

    @Test
    void errorsMatchTheSpecExample() {
        CniError error = new CniError("1.0.0", 7, "Invalid Configuration", "Network 192.168.0.0/31 too small to allocate from.");

        assertThat(text(PluginOutput.error(error))).isEqualTo("{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"Invalid Configuration\","
                + "\"details\":\"Network 192.168.0.0/31 too small to allocate from.\"}");
        assertThat(PluginOutput.decodeError(PluginOutput.error(error))).isEqualTo(error);
    }

    @Test
    void emptyDetailsAreLeftOut() {
        CniError error = CniError.of(new CniException(CniException.TRY_AGAIN_LATER, "cluster store unavailable"), "1.1.0");

        assertThat(text(PluginOutput.error(error))).isEqualTo("{\"cniVersion\":\"1.1.0\",\"code\":11,\"msg\":\"cluster store unavailable\"}");
        assertThat(PluginOutput.decodeError(PluginOutput.error(error)).toException().code()).isEqualTo(11);
    }

    @Test
    void messagesWithQuotesNewlinesAndUnicodeStayOneLineOfValidJson() {
        CniError error = new CniError("1.1.0", 51, "he said \"no\"\nthen left", "tab\there, é, \u2028, \u0000");

        byte[] out = PluginOutput.error(error);

        assertThat(text(out)).doesNotContain("\n").contains("\\\"no\\\"\\n").contains("\\u0000");
        assertThat(PluginOutput.decodeError(out)).isEqualTo(error);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not-a-version", "1.1.0\"}", "99999999999999999.0.0"})
    void errorsForUnreadableVersionsAreLabelledWithOurs(String version) {
        assertThat(CniError.of(new CniException(1, "incompatible CNI versions"), version).cniVersion()).isEqualTo("1.1.0");
        assertThat(CniError.of(new CniException(1, "incompatible CNI versions"), null).cniVersion()).isEqualTo("1.1.0");
    }

    @Test
    void anOldConfigurationGetsItsOwnVersionBack() {
        assertThat(CniError.of(new CniException(1, "incompatible CNI versions"), "0.2.0").cniVersion()).isEqualTo("0.2.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"msg\":\"x\"}", "{\"code\":0,\"msg\":\"x\"}", "{\"code\":\"7\"}", "{\"code\":7} x", "[]"})
    void malformedErrorsAreCodeSix(String json) {
        assertThatThrownBy(() -> PluginOutput.decodeError(bytes(json))).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.code()).isEqualTo(CniException.DECODING_FAILURE));
    }

    @Test
    void malformedVersionReportsAreCodeSix() {
        assertThatThrownBy(() -> PluginOutput.decodeVersion(bytes("{\"supportedVersions\":[]}")))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(6));
        assertThatThrownBy(() -> PluginOutput.decodeVersion(bytes("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":\"1.1.0\"}")))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(6));
    }

    @Test
    void resultsArePrintedForTheRequestedVersion() {
        CniResult result = CniResult.ofIps("1.1.0", java.util.List.of(CniResult.IpConfig.of("2001:db8::7/64", null)), null);

        assertThat(text(PluginOutput.result(result, "0.4.0")))
                .isEqualTo("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"6\",\"address\":\"2001:db8::7/64\"}]}");
    }
}
