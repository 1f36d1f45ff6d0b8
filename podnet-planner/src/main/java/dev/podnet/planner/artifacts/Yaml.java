package dev.podnet.planner.artifacts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes artifacts as YAML through Jackson, never by string concatenation, so every file parses whatever the plan
 * holds. Numbers-as-strings stay quoted because Kubernetes env values must be strings ("1", not 1).
 */
final class Yaml {
    private static final ObjectMapper SINGLE = mapper(false);
    private static final ObjectMapper MULTI = mapper(true);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Yaml() {
    }

    private static ObjectMapper mapper(boolean docStartMarker) {
        YAMLFactory factory = YAMLFactory.builder()
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                // long NO_PROXY lists would otherwise be folded over several lines
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .configure(YAMLGenerator.Feature.WRITE_DOC_START_MARKER, docStartMarker)
                .build();
        return new ObjectMapper(factory);
    }

    /** A file of one or more documents under a comment header; several documents each start with "---". */
    static String documents(String header, List<?> documents) {
        ObjectMapper mapper = documents.size() > 1 ? MULTI : SINGLE;
        StringBuilder out = new StringBuilder(Comments.block(header));
        for (Object document : documents) {
            out.append(write(mapper, document));
        }
        return out.toString();
    }

    /** A file of one document under a comment header; the document may itself be a list. */
    static String document(String header, Object document) {
        return documents(header, List.of(document));
    }

    /** Compact JSON, for the JSON strings some Kubernetes objects embed (CNI configs). */
    static String json(Object value) {
        return write(JSON, value);
    }

    /** An insertion-ordered map from key, value pairs; null values are left out so optional keys vanish. */
    static Map<String, Object> map(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                map.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return map;
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
