package dev.podnet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CniVersionTest {
    @Test
    void supportsTheVersionsWithTheRichResultType() {
        assertThat(CniVersion.SUPPORTED).containsExactly("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
        assertThat(CniVersion.CURRENT).isEqualTo("1.1.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1.0", "0.2.0", "1.0", "1.1", "v1.1.0", "1.1.0 ", "1.2.0", ""})
    void supportIsAnExactMatch(String version) {
        assertThat(CniVersion.isSupported(version)).isFalse();
        assertThatThrownBy(() -> CniVersion.requireSupported(version)).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.code()).isEqualTo(CniException.INCOMPATIBLE_VERSION));
    }

    @ParameterizedTest
    @CsvSource({"0.3.0, 0.3.1, -1", "0.4.0, 0.3.1, 1", "1.0.0, 1.0.0, 0", "0.10.0, 0.4.0, 1", "1.1.0, 1.0.0, 1"})
    void comparesNumerically(String a, String b, int sign) {
        assertThat(Integer.signum(CniVersion.compare(a, b))).isEqualTo(sign);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.0", "1.0.0.0", "a.b.c", "01.0.0", "1..0", "-1.0.0"})
    void malformedVersionsCannotBeCompared(String version) {
        assertThatThrownBy(() -> CniVersion.compare(version, "1.0.0")).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.code()).isEqualTo(CniException.DECODING_FAILURE));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "ADD, 0.3.0, true", "DEL, 0.3.0, true", "CHECK, 0.3.1, false", "CHECK, 0.4.0, true", "CHECK, 1.1.0, true",
        "GC, 1.0.0, false", "GC, 1.1.0, true", "STATUS, 0.4.0, false", "STATUS, 1.1.0, true"
    })
    void commandsNeedTheVersionThatIntroducedThem(CniCommand command, String version, boolean allowed) {
        if (allowed) {
            command.requireAllowedBy(version);
        } else {
            assertThatThrownBy(() -> command.requireAllowedBy(version)).isInstanceOfSatisfying(CniException.class, e -> {
                assertThat(e.code()).isEqualTo(CniException.INCOMPATIBLE_VERSION);
                assertThat(e.msg()).isEqualTo("config version does not allow " + command);
            });
        }
    }

    @Test
    void exceptionCodesArePositive() {
        assertThatThrownBy(() -> new CniException(0, "x")).isInstanceOf(IllegalArgumentException.class);
        CniException e = new CniException(CniException.TRY_AGAIN_LATER, "store unavailable", null);
        assertThat(e.details()).isEmpty();
        assertThat(e.msg()).isEqualTo("store unavailable");
    }
}
