package dev.podnet.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A cursor over one JSON document for hand-written decoders: objects field by field, unknown values skipped.
 * Every failure becomes a {@link CniException} naming the path ("ipam.ranges[0][1].subnet"): JSON syntax, wrong
 * types and limits are code 6, values of the right type but wrong meaning are whatever code the caller gives.
 * Limits are enforced by the parser itself, so no input can exhaust the stack or the heap.
 */
final class JsonIn implements AutoCloseable {
    /** Deeper than any CNI document needs; a fuzzed "[[[[..." stops here instead of at the stack's end. */
    static final int MAX_DEPTH = 64;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxDocumentLength(NetConfDecoder.MAX_STDIN_BYTES)
                    .maxStringLength(NetConfDecoder.MAX_STDIN_BYTES)
                    .maxNameLength(4096)
                    .maxNumberLength(64)
                    .build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            // Random field names in fuzzed input must not grow the JVM's string intern table.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private final JsonParser parser;

    private JsonIn(JsonParser parser) {
        this.parser = parser;
    }

    /** Opens a document and moves to its first token, which must start an object. */
    static JsonIn openObject(byte[] json, int offset, int length) {
        JsonParser parser;
        try {
            parser = FACTORY.createParser(json, offset, length);
        } catch (IOException e) {
            throw new CniException(CniException.DECODING_FAILURE, "cannot read JSON", e.getMessage());
        }
        JsonIn in = new JsonIn(parser);
        if (in.next() != JsonToken.START_OBJECT) {
            throw in.typeError("a JSON object");
        }
        return in;
    }

    /** After the root object: anything but whitespace is refused, as Go's json.Unmarshal does. */
    void finish() {
        if (next() != null) {
            throw new CniException(CniException.DECODING_FAILURE, "failed to decode content",
                    "unexpected data after the top-level JSON object");
        }
    }

    /**
     * The next field of the object whose START_OBJECT is current, with the parser on its value; null at the end.
     */
    String nextField() {
        JsonToken token = next();
        if (token == JsonToken.END_OBJECT) {
            return null;
        }
        String name = currentName();
        next();
        return name;
    }

    /** True when the current value is an object to read field by field, false for null; else code 6. */
    boolean objectOrNull(String expected) {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return false;
        }
        if (token != JsonToken.START_OBJECT) {
            throw typeError(expected);
        }
        return true;
    }

    /** True when the current value is an array to walk with {@link #nextElement()}, false for null; else code 6. */
    boolean arrayOrNull() {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return false;
        }
        if (token != JsonToken.START_ARRAY) {
            throw typeError("an array");
        }
        return true;
    }

    /** Moves to the next element of the current array; false at its end. */
    boolean nextElement() {
        return next() != JsonToken.END_ARRAY;
    }

    String string() {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw typeError("a string");
        }
        try {
            return parser.getText();
        } catch (IOException e) {
            throw decodeFailure(e);
        }
    }

    /** A base64 string (Jackson's default variant, as {@link JsonOut#binary} writes it); null for JSON null. */
    byte[] binary() {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw typeError("a base64 string");
        }
        try {
            return parser.getBinaryValue();
        } catch (IOException e) {
            throw decodeFailure(e);
        }
    }

    Integer integer() {
        Long value = longValue();
        if (value == null) {
            return null;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new CniException(CniException.DECODING_FAILURE, "failed to decode content",
                    path() + ": " + value + " is out of range");
        }
        return value.intValue();
    }

    Long longValue() {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw typeError("an integer");
        }
        String text;
        try {
            text = parser.getText();
        } catch (IOException e) {
            throw decodeFailure(e);
        }
        // Parsed here rather than by getLongValue(), whose NumberInput compiles a regex on first use: a
        // millisecond of the plugin's run for the one number it reads (the exit status in an exec reply).
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CniException(CniException.DECODING_FAILURE, "failed to decode content",
                    where() + text + " is out of range");
        }
    }

    Boolean bool() {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
            throw typeError("a boolean");
        }
        return token == JsonToken.VALUE_TRUE;
    }

    /** An array of strings; null and a JSON null both give an empty list. Null elements are refused. */
    List<String> strings() {
        List<String> out = new ArrayList<>();
        if (arrayOrNull()) {
            while (nextElement()) {
                String value = string();
                if (value == null) {
                    throw typeError("a string");
                }
                out.add(value);
            }
        }
        return out;
    }

    /** Skips the current value, however deep; Jackson walks it iteratively, so depth costs no stack. */
    void skip() {
        try {
            parser.skipChildren();
        } catch (IOException e) {
            throw decodeFailure(e);
        }
    }

    /** Code 6 for a value of the wrong JSON type at the current path. */
    CniException typeError(String expected) {
        return new CniException(CniException.DECODING_FAILURE, "failed to decode content",
                where() + "expected " + expected + ", found " + describe(parser.currentToken()));
    }

    /** A value of the right type but not acceptable, at the current path. */
    CniException invalid(int code, String msg, String problem) {
        return new CniException(code, msg, where() + problem);
    }

    /** The current position as "a.b[2].c", for messages; empty at the root. */
    String path() {
        List<JsonStreamContext> chain = new ArrayList<>();
        for (JsonStreamContext ctx = parser.getParsingContext(); ctx != null && !ctx.inRoot(); ctx = ctx.getParent()) {
            chain.add(ctx);
        }
        StringBuilder out = new StringBuilder();
        for (int i = chain.size() - 1; i >= 0; i--) {
            JsonStreamContext ctx = chain.get(i);
            if (ctx.inObject() && ctx.getCurrentName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ctx.getCurrentName());
            } else if (ctx.inArray() && ctx.hasCurrentIndex()) {
                out.append('[').append(ctx.getCurrentIndex()).append(']');
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException ignored) {
            // A parser over a byte array holds nothing that could fail to close.
        }
    }

    private String where() {
        String path = path();
        return path.isEmpty() ? "" : path + ": ";
    }

    private String currentName() {
        try {
            return parser.currentName();
        } catch (IOException e) {
            throw decodeFailure(e);
        }
    }

    private JsonToken next() {
        try {
            return parser.nextToken();
        } catch (IOException e) {
            throw decodeFailure(e);
        }
    }

    private CniException decodeFailure(IOException e) {
        String detail = e instanceof JsonProcessingException jpe && jpe.getOriginalMessage() != null
                ? jpe.getOriginalMessage() : String.valueOf(e.getMessage());
        if (e instanceof JsonProcessingException jpe && jpe.getLocation() != null) {
            detail = detail + " (line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr() + ")";
        }
        return new CniException(CniException.DECODING_FAILURE, "failed to decode content", where() + detail);
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end of input";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }
}
