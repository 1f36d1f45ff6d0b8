package dev.podnet.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.net.InvalidInputException;
import java.util.Map;
import java.util.Optional;

/**
 * Reads flannel's JSON the way flannel (Go's encoding/json) does: field names match case-insensitively, an exact
 * match winning, and {@code null} counts as absent. Every error names the document and the field.
 */
final class JsonFields {
    private final JsonNode node;
    private final String source;
    private final String path;

    JsonFields(JsonNode node, String source, String path) {
        this.node = node;
        this.source = source;
        this.path = path;
    }

    /** The member {@code name}, if present and not null. */
    Optional<JsonNode> get(String name) {
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact.isNull() ? Optional.empty() : Optional.of(exact);
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue().isNull() ? Optional.empty() : Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    Optional<String> text(String name) {
        return get(name).map(v -> {
            if (!v.isTextual()) {
                throw error(name, "expected a string, got " + v);
            }
            return v.asText();
        });
    }

    Optional<Long> number(String name, long min, long max) {
        return get(name).map(v -> {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw error(name, "expected a whole number, got " + v);
            }
            long n = v.asLong();
            if (n < min || n > max) {
                throw error(name, "must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        });
    }

    Optional<Boolean> bool(String name) {
        return get(name).map(v -> {
            if (!v.isBoolean()) {
                throw error(name, "expected true or false, got " + v);
            }
            return v.asBoolean();
        });
    }

    /** The member {@code name} as an object, if present. */
    Optional<JsonFields> object(String name) {
        return get(name).map(v -> {
            if (!v.isObject()) {
                throw error(name, "expected an object, got " + v);
            }
            return new JsonFields(v, source, qualified(name));
        });
    }

    InvalidInputException error(String name, String problem) {
        return new InvalidInputException(source + ": " + qualified(name) + ": " + problem);
    }

    private String qualified(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
