package dev.podnet.net;

import java.nio.file.Path;

/**
 * What a {@link JournaledDirectory} needs to know about its records: their text (one {@link FramedFile} payload
 * each), the format version its file headers carry, and the owner's exception for a directory it cannot use.
 * Payloads must not start with "H " or "E ": those two belong to the directory's header and end records.
 */
public interface RecordFormat<R> {

    /** Written in every file's header; a file of another version is refused. */
    int version();

    /** Far above the longest valid payload; a larger length field is corruption, not a record. */
    int maxPayload();

    String payload(R record);

    /** Reads a payload whose checksum matched; throws IllegalArgumentException when it cannot. */
    R parse(String payload);

    /** The owner's exception (its module's family, its CNI code) for damaged or foreign files and a held lock. */
    RuntimeException failure(String message);

    /** The error for damage at {@code offset} of {@code file}. */
    default RuntimeException corrupt(Path file, long offset, String why) {
        return failure(file + " is corrupt at offset " + offset + ": " + why);
    }
}
