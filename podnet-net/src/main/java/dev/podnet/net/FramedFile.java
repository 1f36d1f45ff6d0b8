package dev.podnet.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * The line framing shared by the IPAM journal and the embedded cluster store: each record is one line
 * <pre>
 *   LENGTH SP CRC SP PAYLOAD LF
 * </pre>
 * LENGTH is the payload's byte count in decimal; CRC is the CRC32C of the payload as 8 lowercase hex digits. Text, so
 * an operator can read the state with {@code cat}; the length and checksum let replay tell a torn last line (cut off
 * by a crash mid-append) from damage in the middle (an error).
 */
public final class FramedFile {

    private static final HexFormat HEX = HexFormat.of();

    private FramedFile() {
    }

    /** What {@link #read(byte[], int, int)} found at an offset. */
    public sealed interface Frame {
        record Ok(String payload, int next) implements Frame {
        }

        /** The bytes stop before the frame does: what a crash mid-write leaves. */
        record Incomplete() implements Frame {
        }

        record Bad(String why) implements Frame {
        }
    }

    /** One parsed record and where its frame starts. */
    public record Entry<T>(long offset, T record) {
    }

    /** The records and the length of the valid prefix: shorter than the file when the tail is torn. */
    public record Contents<T>(List<Entry<T>> entries, long validLength, long fileLength) {
        public Contents {
            entries = List.copyOf(entries);
        }
    }

    /** Builds the caller's corruption error for a file, an offset and the reason. */
    public interface Corruption {
        RuntimeException at(Path file, long offset, String why);
    }

    public static byte[] frame(String payload) {
        byte[] body = payload.getBytes(StandardCharsets.US_ASCII);
        byte[] head = (body.length + " " + HEX.toHexDigits((int) crc(body, 0, body.length)) + " ")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[head.length + body.length + 1];
        System.arraycopy(head, 0, frame, 0, head.length);
        System.arraycopy(body, 0, frame, head.length, body.length);
        frame[frame.length - 1] = '\n';
        return frame;
    }

    /** Reads the frame at {@code offset}: its payload and where the next frame starts, or why it is not a frame. */
    public static Frame read(byte[] data, int offset, int maxPayload) {
        // A length field longer than the largest allowed one is corruption, not a record.
        int maxDigits = String.valueOf(maxPayload).length() + 1;
        int i = offset;
        long length = 0;
        int digits = 0;
        while (i < data.length && data[i] >= '0' && data[i] <= '9' && digits < maxDigits) {
            length = length * 10 + (data[i++] - '0');
            digits++;
        }
        if (i == data.length) {
            return new Frame.Incomplete();
        }
        if (digits == 0 || data[i] != ' ' || length > maxPayload) {
            return new Frame.Bad("no record header");
        }
        int crcAt = i + 1;
        int payloadAt = crcAt + 9;
        long end = (long) payloadAt + length + 1;
        if (end > data.length) {
            return new Frame.Incomplete();
        }
        if (data[payloadAt - 1] != ' ' || data[(int) end - 1] != '\n') {
            return new Frame.Bad("record framing is broken");
        }
        int stored;
        try {
            stored = HexFormat.fromHexDigits(new String(data, crcAt, 8, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return new Frame.Bad("the checksum field is not hex");
        }
        if ((int) crc(data, payloadAt, (int) length) != stored) {
            return new Frame.Bad("checksum mismatch");
        }
        return new Frame.Ok(new String(data, payloadAt, (int) length, StandardCharsets.US_ASCII), (int) end);
    }

    /**
     * Reads every record of a journal or snapshot file. A snapshot must be whole: it gets its name only after it was
     * forced, so any damage is corruption. A journal may end in a torn record, left by a crash in the middle of an
     * append: that tail is reported (validLength) so the caller can cut it off. Damage followed by a valid record
     * cannot come from a crash (appends are sequential), so it is an error naming the file and offset. {@code parse}
     * throws IllegalArgumentException for a payload it cannot read, which is corruption too.
     */
    public static <T> Contents<T> read(Path file, boolean journal, int maxPayload, Function<String, T> parse,
                                       Corruption corrupt) throws IOException {
        byte[] data = Files.readAllBytes(file);
        List<Entry<T>> entries = new ArrayList<>();
        int offset = 0;
        while (offset < data.length) {
            Frame frame = read(data, offset, maxPayload);
            if (frame instanceof Frame.Ok ok) {
                try {
                    entries.add(new Entry<>(offset, parse.apply(ok.payload())));
                } catch (IllegalArgumentException e) {
                    throw corrupt.at(file, offset, "a record with a valid checksum does not parse: " + e.getMessage());
                }
                offset = ok.next();
                continue;
            }
            String why = frame instanceof Frame.Bad bad ? bad.why() : "the file ends inside a record";
            if (!journal) {
                throw corrupt.at(file, offset, why);
            }
            int later = nextValidFrame(data, offset, maxPayload);
            if (later >= 0) {
                throw corrupt.at(file, offset, why + ", yet a valid record follows at offset " + later);
            }
            break;
        }
        return new Contents<>(entries, offset, data.length);
    }

    /** The offset of the first intact frame that starts a line after {@code offset}, or -1. */
    private static int nextValidFrame(byte[] data, int offset, int maxPayload) {
        for (int p = offset + 1; p < data.length; p++) {
            if (data[p - 1] == '\n' && read(data, p, maxPayload) instanceof Frame.Ok) {
                return p;
            }
        }
        return -1;
    }

    private static long crc(byte[] data, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(data, from, length);
        return c.getValue();
    }
}
