package dev.podnet.warm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The VPC CNI's precedence (pkg/eniconfig GetNodeSpecificENIConfigName), row by row. */
class EniConfigSelectorTest {
    private static final String EXTERNAL = EniConfigSelector.EXTERNAL_LABEL;
    private static final String KEY = VpcCniEnvironment.DEFAULT_ENI_CONFIG_KEY;
    private static final EniConfigSelector DEFAULTS = VpcCniEnvironment.eniConfigSelector(Map.of());

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("nothing set", Map.of(), Map.of(), "default"),
                Arguments.of("label only", Map.of(KEY, "by-label"), Map.of(), "by-label"),
                Arguments.of("annotation beats label", Map.of(KEY, "by-label"), Map.of(KEY, "by-annotation"),
                        "by-annotation"),
                Arguments.of("external label beats both", Map.of(KEY, "by-label", EXTERNAL, "external"),
                        Map.of(KEY, "by-annotation"), "external"),
                Arguments.of("an empty value still wins", Map.of(KEY, "by-label"), Map.of(KEY, ""), ""),
                Arguments.of("other keys do not count", Map.of("topology.kubernetes.io/zone", "us-east-1a"),
                        Map.of("k8s.amazonaws.com/other", "x"), "default"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void firstMatchWins(String row, Map<String, String> labels, Map<String, String> annotations, String name) {
        assertThat(DEFAULTS.choose(labels, annotations).name()).isEqualTo(name);
    }

    @Test
    void theDefaultsAreTheVpcCnisAndTheVariablesRenameTheKeys() {
        assertThat(DEFAULTS).isEqualTo(new EniConfigSelector("k8s.amazonaws.com/eniConfig",
                "k8s.amazonaws.com/eniConfig"));
        assertThat(VpcCniEnvironment.eniConfigSelector(Map.of("ENI_CONFIG_LABEL_DEF", "", "ENI_CONFIG_ANNOTATION_DEF",
                " "))).as("empty is unset").isEqualTo(DEFAULTS);
        EniConfigSelector zone = VpcCniEnvironment.eniConfigSelector(Map.of(
                "ENI_CONFIG_LABEL_DEF", "topology.kubernetes.io/zone", "ENI_CONFIG_ANNOTATION_DEF", "example.com/eni"));
        assertThat(zone.choose(Map.of("topology.kubernetes.io/zone", "us-east-1a", KEY, "ignored"), Map.of()))
                .isEqualTo(new EniConfigSelector.Choice("us-east-1a",
                        "the value of the node's label topology.kubernetes.io/zone"));
        assertThat(zone.choose(Map.of("topology.kubernetes.io/zone", "us-east-1a"), Map.of("example.com/eni", "x")))
                .isEqualTo(new EniConfigSelector.Choice("x", "the value of the node's annotation example.com/eni"));
        assertThat(zone.choose(Map.of(), Map.of(KEY, "ignored")).from()).isEqualTo("the name when the node has no label "
                + "vpc.amazonaws.com/externalEniConfig, annotation example.com/eni or label topology.kubernetes.io/zone");
    }
}
