package dev.podnet.store;

import dev.podnet.net.FramedFile;
import java.io.IOException;
import java.nio.file.Path;

/** The store's journal and snapshot files, read with {@link FramedFile#read}: records parsed, damage UNAVAILABLE. */
final class StoreFileReader {

    private StoreFileReader() {
    }

    static FramedFile.Contents<StoreRecord> readSnapshot(Path file) throws IOException {
        return FramedFile.read(file, false, StoreCodec.MAX_PAYLOAD, StoreCodec::parse, StoreFileReader::corrupt);
    }

    static FramedFile.Contents<StoreRecord> readJournal(Path file) throws IOException {
        return FramedFile.read(file, true, StoreCodec.MAX_PAYLOAD, StoreCodec::parse, StoreFileReader::corrupt);
    }

    static StoreException corrupt(Path file, long offset, String why) {
        return new StoreException(StoreException.Kind.UNAVAILABLE,
                file + " is corrupt at offset " + offset + ": " + why);
    }
}
