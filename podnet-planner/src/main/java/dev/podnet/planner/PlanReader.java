package dev.podnet.planner;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnet.net.EditDistance;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.planner.input.PlanFile;
import dev.podnet.planner.input.PlanInputException;
import dev.podnet.planner.model.ClusterPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a plan YAML file into a validated {@link ClusterPlan}. Every problem is reported with the file, the field's
 * path ({@code nodeGroups[1].instanceType}) and the value, and a suggestion where there is one.
 */
public final class PlanReader {
    private static final ObjectMapper YAML = strictMapper();

    private final InstanceCatalogue catalogue;

    public PlanReader(InstanceCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    public ClusterPlan read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new PlanInputException(List.of(file + ": no such file"));
        } catch (IOException e) {
            throw new PlanInputException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        return read(file.toString(), text);
    }

    public ClusterPlan read(String source, String yaml) {
        PlanFile raw = null;
        try {
            if (!yaml.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
                raw = YAML.readValue(yaml, PlanFile.class);
            }
        } catch (JsonProcessingException e) {
            throw new PlanInputException(List.of(source + ": " + describe(e, yaml)));
        }
        if (raw == null) {
            throw new PlanInputException(List.of(source + ": the file is empty"));
        }
        return new PlanValidator(source, catalogue).validate(raw);
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // "count: '3'" or "count: 2.5" is a mistake worth reporting, not something to coerce silently.
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** Jackson's messages name Java types; this names the YAML field, its line, and what was expected. */
    private static String describe(JsonProcessingException e, String yaml) {
        String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        if (e instanceof UnrecognizedPropertyException u) {
            where = e.getLocation() == null ? "" : " (line " + keyLine(yaml, u.getPropertyName(), e.getLocation().getLineNr()) + ")";
            String field = path(u, true);
            List<String> known = u.getKnownPropertyIds().stream().map(Object::toString)
                    .sorted(Comparator.comparingInt(k -> EditDistance.between(k, u.getPropertyName()))).toList();
            String hint = !known.isEmpty() && EditDistance.between(known.getFirst(), u.getPropertyName()) <= 3
                    ? "; did you mean \"" + known.getFirst() + "\"?" : "";
            return field + where + ": unknown key \"" + u.getPropertyName() + "\"" + hint
                    + " (known keys here: " + known.stream().sorted().collect(Collectors.joining(", ")) + ")";
        }
        if (e instanceof InvalidFormatException f) {
            return path(f, false) + where + ": " + quote(f.getValue()) + " is not " + expected(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m) {
            String value = e.getLocation() == null || m.getPath().isEmpty() ? null
                    : valueAt(yaml, m.getPath().getLast().getFieldName(), e.getLocation().getLineNr());
            return path(m, false) + where + ": " + (value == null ? "expected " : quote(value) + " is not ")
                    + expected(m.getTargetType());
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return path(m, false) + where + ": " + e.getOriginalMessage();
        }
        return "not valid YAML" + where + ": " + e.getOriginalMessage();
    }

    /** The parser reports the token after an unknown key; the key itself is on the last line before it that names it. */
    private static int keyLine(String yaml, String key, int reported) {
        List<String> lines = yaml.lines().toList();
        for (int i = Math.min(reported, lines.size()) - 1; i >= 0; i--) {
            if (lines.get(i).strip().replaceFirst("^- ", "").startsWith(key + ":")) {
                return i + 1;
            }
        }
        return reported;
    }

    /** The scalar written after {@code key:} on the line the parser reported, if that is where it is. */
    private static String valueAt(String yaml, String key, int line) {
        List<String> lines = yaml.lines().toList();
        if (key == null || line < 1 || line > lines.size()) {
            return null;
        }
        String text = lines.get(line - 1).strip().replaceFirst("^- ", "");
        if (!text.startsWith(key + ":")) {
            return null;
        }
        String value = text.substring(key.length() + 1).strip();
        return value.isEmpty() || value.startsWith("[") || value.startsWith("{") ? null
                : value.replaceAll("^['\"]|['\"]$", "");
    }

    private static String path(JsonMappingException e, boolean parentOnly) {
        List<JsonMappingException.Reference> refs = e.getPath();
        StringBuilder out = new StringBuilder();
        int end = parentOnly ? refs.size() - 1 : refs.size();
        for (int i = 0; i < end; i++) {
            JsonMappingException.Reference ref = refs.get(i);
            if (ref.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "(top level)" : out.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == String.class) {
            return "a text value";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping of keys (" + type.getSimpleName() + ")";
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
