package dev.podnet.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A compact JSON writer into memory: one line, no pretty printing, so an agent message can never contain a raw newline
 * (the generator escapes control characters inside strings). Optional fields are written only when present, as Go's
 * {@code omitempty} does, so our output matches what libcni-based plugins print.
 */
final class JsonOut implements AutoCloseable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    final JsonGenerator gen;

    JsonOut() {
        try {
            gen = JsonIn.FACTORY.createGenerator(bytes, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startObject() throws IOException {
        gen.writeStartObject();
    }

    void endObject() throws IOException {
        gen.writeEndObject();
    }

    void field(String name) throws IOException {
        gen.writeFieldName(name);
    }

    void string(String name, String value) throws IOException {
        gen.writeStringField(name, value);
    }

    void stringIfPresent(String name, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            gen.writeStringField(name, value);
        }
    }

    void numberIfPresent(String name, Integer value) throws IOException {
        if (value != null) {
            gen.writeNumberField(name, value);
        }
    }

    void number(String name, long value) throws IOException {
        gen.writeNumberField(name, value);
    }

    void bool(String name, boolean value) throws IOException {
        gen.writeBooleanField(name, value);
    }

    /** Bytes as base64, so any bytes survive a line of JSON unchanged. */
    void binary(String name, byte[] value) throws IOException {
        gen.writeBinaryField(name, value);
    }

    void stringsIfPresent(String name, List<String> values) throws IOException {
        if (!values.isEmpty()) {
            strings(name, values);
        }
    }

    void strings(String name, List<String> values) throws IOException {
        gen.writeArrayFieldStart(name);
        for (String value : values) {
            gen.writeString(value);
        }
        gen.writeEndArray();
    }

    /** The document written so far, as UTF-8 bytes. */
    byte[] toBytes() {
        flush();
        return bytes.toByteArray();
    }

    String asString() {
        flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            gen.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flush() {
        try {
            gen.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
