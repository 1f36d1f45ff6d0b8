package dev.podnet.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the scenario file, read strictly: every key must be one the reader asks for ({@link #finish}), every
 * value of the asked type and range, and each error names the file, the field's path and the value.
 */
final class YamlObject {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    private final String source;
    private final String path;
    private final JsonNode node;
    private final Set<String> asked = new HashSet<>();

    YamlObject(String source, String path, JsonNode node) {
        this.source = source;
        this.path = path;
        this.node = node;
        if (node == null || !node.isObject()) {
            throw new ScenarioException(source, path.isEmpty() ? "(top level)" : path, text(node), "must be a mapping");
        }
    }

    String source() {
        return source;
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private JsonNode get(String key) {
        asked.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String key) {
        asked.add(key);
        return get(key) != null;
    }

    ScenarioException error(String key, JsonNode value, String why) {
        return new ScenarioException(source, field(key), text(value), why);
    }

    ScenarioException error(String key, String why) {
        return error(key, get(key), why);
    }

    JsonNode required(String key) {
        JsonNode v = get(key);
        if (v == null) {
            throw new ScenarioException(source, field(key), null, "is required");
        }
        return v;
    }

    String string(String key) {
        JsonNode v = required(key);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw error(key, v, "must be a non-empty string");
        }
        return v.asText();
    }

    Optional<String> optionalString(String key) {
        return get(key) == null ? Optional.empty() : Optional.of(string(key));
    }

    long integer(String key, long min, long max) {
        JsonNode v = required(key);
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw error(key, v, "must be a whole number from " + min + " to " + max);
        }
        return v.asLong();
    }

    long integer(String key, long min, long max, long absent) {
        return get(key) == null ? absent : integer(key, min, max);
    }

    double number(String key, double min, double max) {
        JsonNode v = required(key);
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            throw error(key, v, "must be a number from " + min + " to " + max);
        }
        return v.asDouble();
    }

    double number(String key, double min, double max, double absent) {
        return get(key) == null ? absent : number(key, min, max);
    }

    /** "150ms", "3s", "10m", "24h", "1d", or a bare number of seconds. */
    Duration duration(String key) {
        JsonNode v = required(key);
        if (v.isNumber() && v.asDouble() >= 0) {
            return Duration.ofMillis(Math.round(v.asDouble() * 1000));
        }
        Matcher m = DURATION.matcher(v.isTextual() ? v.asText().trim() : "");
        if (!m.matches()) {
            throw error(key, v, "must be a duration such as 150ms, 3s, 10m, 24h or 1d");
        }
        double amount = Double.parseDouble(m.group(1));
        long unitMillis = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        };
        return Duration.ofMillis(Math.round(amount * unitMillis));
    }

    Duration duration(String key, Duration absent) {
        return get(key) == null ? absent : duration(key);
    }

    YamlObject object(String key) {
        return new YamlObject(source, field(key), required(key));
    }

    Optional<YamlObject> optionalObject(String key) {
        return get(key) == null ? Optional.empty() : Optional.of(object(key));
    }

    /** The list's mappings; an absent key is an empty list. */
    List<YamlObject> list(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw error(key, v, "must be a list");
        }
        List<YamlObject> items = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            items.add(new YamlObject(source, field(key) + "[" + i + "]", v.get(i)));
        }
        return items;
    }

    JsonNode raw(String key) {
        return get(key);
    }

    /** Refuses any key the reader did not ask for: a misspelt field must not be silently ignored. */
    void finish() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!asked.contains(key)) {
                throw new ScenarioException(source, field(key), null, "is not a field here; the fields are "
                        + asked.stream().sorted().toList());
            }
        }
    }

    static String text(JsonNode v) {
        if (v == null) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
