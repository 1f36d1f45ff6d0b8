package dev.podnet.store;

import dev.podnet.store.StoreCodec.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads every record of a journal or snapshot file. A snapshot must be whole: it gets its name only after it was
 * forced, so any damage is corruption. A journal may end in a torn record, left by a crash in the middle of an
 * append: that tail is reported so the caller can cut it off. Damage followed by a valid record cannot come from a
 * crash (appends are sequential), so it is an error naming the file and offset rather than something to skip.
 */
final class StoreFileReader {

    record Entry(long offset, StoreRecord record) {
    }

    /** The records and the length of the valid prefix: shorter than the file when the tail is torn. */
    record Contents(List<Entry> entries, long validLength, long fileLength) {
    }

    private StoreFileReader() {
    }

    static Contents readSnapshot(Path file) throws IOException {
        return read(file, false);
    }

    static Contents readJournal(Path file) throws IOException {
        return read(file, true);
    }

    private static Contents read(Path file, boolean journal) throws IOException {
        byte[] data = Files.readAllBytes(file);
        List<Entry> entries = new ArrayList<>();
        int offset = 0;
        while (offset < data.length) {
            Frame frame = StoreCodec.read(data, offset);
            if (frame instanceof Frame.Ok ok) {
                try {
                    entries.add(new Entry(offset, StoreCodec.parse(ok.payload())));
                } catch (IllegalArgumentException e) {
                    throw corrupt(file, offset, "a record with a valid checksum does not parse: " + e.getMessage());
                }
                offset = ok.next();
                continue;
            }
            String why = frame instanceof Frame.Bad bad ? bad.why() : "the file ends inside a record";
            if (!journal) {
                throw corrupt(file, offset, why);
            }
            int later = nextValidFrame(data, offset);
            if (later >= 0) {
                throw corrupt(file, offset, why + ", yet a valid record follows at offset " + later);
            }
            break;
        }
        return new Contents(entries, offset, data.length);
    }

    /** The offset of the first intact frame that starts a line after {@code offset}, or -1. */
    private static int nextValidFrame(byte[] data, int offset) {
        for (int p = offset + 1; p < data.length; p++) {
            if (data[p - 1] == '\n' && StoreCodec.read(data, p) instanceof Frame.Ok) {
                return p;
            }
        }
        return -1;
    }

    static StoreException corrupt(Path file, long offset, String why) {
        return new StoreException(StoreException.Kind.UNAVAILABLE,
                file + " is corrupt at offset " + offset + ": " + why);
    }
}
