package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.podnet.net.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kubernetes label-selector semantics, row by row. */
class LabelSelectorTest {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    private static LabelSelector selector(String json) throws Exception {
        return LabelSelector.fromJson(JSON.readTree(json), "sel");
    }

    /** "a=1,b=2" as a label map; empty text is no labels. */
    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text != null) {
            for (String kv : text.split(",")) {
                String[] p = kv.split("=", 2);
                labels.put(p[0], p[1]);
            }
        }
        return labels;
    }

    @ParameterizedTest(name = "{0} on [{1}] -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {}                                                                   |                 | true
            {'matchLabels': {}}                                                  | app=web         | true
            {'matchLabels': {'app': 'web'}}                                      | app=web,x=y     | true
            {'matchLabels': {'app': 'web'}}                                      | app=db          | false
            {'matchLabels': {'app': 'web'}}                                      |                 | false
            {'matchExpressions': [{'key': 'zone', 'operator': 'In', 'values': ['a', 'b']}]}    | zone=b   | true
            {'matchExpressions': [{'key': 'zone', 'operator': 'In', 'values': ['a', 'b']}]}    | zone=c   | false
            {'matchExpressions': [{'key': 'zone', 'operator': 'In', 'values': ['a']}]}         |          | false
            {'matchExpressions': [{'key': 'zone', 'operator': 'NotIn', 'values': ['a']}]}      | zone=b   | true
            {'matchExpressions': [{'key': 'zone', 'operator': 'NotIn', 'values': ['a']}]}      | zone=a   | false
            {'matchExpressions': [{'key': 'zone', 'operator': 'NotIn', 'values': ['a']}]}      |          | true
            {'matchExpressions': [{'key': 'gpu', 'operator': 'Exists'}]}                       | gpu=     | true
            {'matchExpressions': [{'key': 'gpu', 'operator': 'Exists'}]}                       | cpu=x    | false
            {'matchExpressions': [{'key': 'gpu', 'operator': 'DoesNotExist'}]}                 | cpu=x    | true
            {'matchExpressions': [{'key': 'gpu', 'operator': 'DoesNotExist'}]}                 | gpu=1    | false
            {'matchLabels': {'app': 'web'}, 'matchExpressions': [{'key': 'gpu', 'operator': 'Exists'}]} | app=web | false
            """)
    void matches(String selector, String labels, boolean matches) throws Exception {
        assertThat(selector(selector).matches(labels(labels))).isEqualTo(matches);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            []                                                                    | sel must be a label selector object
            {'matchLabels': {'a': 1}}                                             | sel.matchLabels.a must be a string
            {'matchExpressions': [{'operator': 'Exists'}]}                        | sel.matchExpressions[0].key is missing
            {'matchExpressions': [{'key': 'a', 'operator': 'In'}]}                | sel.matchExpressions[0]: operator In needs values
            {'matchExpressions': [{'key': 'a', 'operator': 'Exists', 'values': ['x']}]} | sel.matchExpressions[0]: operator Exists takes no values
            """)
    void invalidSelectorsAreRefused(String selector, String message) {
        assertThatThrownBy(() -> selector(selector)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(message);
    }
}
