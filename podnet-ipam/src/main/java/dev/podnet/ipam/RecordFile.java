package dev.podnet.ipam;

import dev.podnet.ipam.IpamException.Reason;
import dev.podnet.net.FramedFile;
import java.io.IOException;
import java.nio.file.Path;

/** The IPAM journal and snapshot files, read with {@link FramedFile#read}: records parsed, damage an INTERNAL error. */
final class RecordFile {

    private RecordFile() {
    }

    static FramedFile.Contents<JournalRecord> readSnapshot(Path file) throws IOException {
        return FramedFile.read(file, false, RecordCodec.MAX_PAYLOAD, RecordCodec::parse, RecordFile::corrupt);
    }

    static FramedFile.Contents<JournalRecord> readJournal(Path file) throws IOException {
        return FramedFile.read(file, true, RecordCodec.MAX_PAYLOAD, RecordCodec::parse, RecordFile::corrupt);
    }

    static IpamException corrupt(Path file, long offset, String why) {
        return new IpamException(Reason.INTERNAL, file + " is corrupt at offset " + offset + ": " + why);
    }
}
