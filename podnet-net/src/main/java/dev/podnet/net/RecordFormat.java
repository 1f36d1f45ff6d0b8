package dev.podnet.net;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * What a {@link JournaledDirectory} needs to know about its owner's records: the format version its file headers
 * carry, the longest payload (a larger length field is corruption, not a record), how a record becomes one
 * {@link FramedFile} payload and back ({@code reader} throws IllegalArgumentException for one it cannot read), and
 * the owner's exception (its module's family, its CNI code) for damaged or foreign files and a held lock.
 * Payloads must not start with "H " or "E ": those two belong to the directory's header and end records.
 */
public record RecordFormat<R>(int version, int maxPayload, Function<R, String> writer, Function<String, R> reader,
                              Function<String, RuntimeException> error) {

    public String payload(R record) {
        return writer.apply(record);
    }

    public R parse(String payload) {
        return reader.apply(payload);
    }

    public RuntimeException failure(String message) {
        return error.apply(message);
    }

    /** The error for damage at {@code offset} of {@code file}. */
    public RuntimeException corrupt(Path file, long offset, String why) {
        return failure(file + " is corrupt at offset " + offset + ": " + why);
    }
}
