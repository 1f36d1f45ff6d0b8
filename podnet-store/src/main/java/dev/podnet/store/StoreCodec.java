package dev.podnet.store;

import dev.podnet.net.RecordFormat;
import dev.podnet.store.StoreRecord.Delete;
import dev.podnet.store.StoreRecord.LeaseEnded;
import dev.podnet.store.StoreRecord.LeaseGranted;
import dev.podnet.store.StoreRecord.LeaseRenewed;
import dev.podnet.store.StoreRecord.Put;
import dev.podnet.store.StoreRecord.Revision;
import dev.podnet.store.StoreRecord.Stored;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The text form of the embedded store's records, one {@link dev.podnet.net.FramedFile} line each:
 * <pre>
 *   LENGTH SP CRC SP PAYLOAD LF
 * </pre>
 * LENGTH is the payload's byte count in decimal, CRC its CRC32C as 8 lowercase hex digits. Payloads (the header and
 * the snapshot's end are {@link dev.podnet.net.JournaledDirectory}'s, the others this codec's):
 * <pre>
 *   H KIND VERSION GENERATION                    header ("journal" or "snapshot")
 *   S REVISION NEXT_LEASE                        snapshot: the store revision
 *   P REVISION LEASE KEY VALUE                   put
 *   D REVISION KEY                               delete
 *   G LEASE TTL_MILLIS EXPIRES_MILLIS            lease granted (journal) or alive (snapshot)
 *   K LEASE EXPIRES_MILLIS                       keep-alive
 *   X REVISION LEASE                             lease ended, its keys deleted at REVISION
 *   V KEY CREATE MOD VERSION LEASE VALUE         snapshot: one key
 *   E COUNT                                      snapshot: last record; COUNT records came before it
 * </pre>
 * KEY is percent-encoded UTF-8 (bytes outside '!'..'~', and '%', become %XX), so {@code /podnet/blocks/10.0.0.0-26}
 * stays readable with {@code cat}; VALUE is base64 (values are arbitrary bytes). The length and checksum let replay
 * tell a torn last line (cut off) from damage in the middle (an error).
 */
final class StoreCodec {

    static final int VERSION = 1;
    /** A 1 MiB value in base64 plus a 1 KiB key, percent-encoded, fits; a larger length field is corruption. */
    static final int MAX_PAYLOAD = 2 << 20;
    private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();

    /** The embedded store's records; a directory it cannot use makes the store UNAVAILABLE. */
    static final RecordFormat<StoreRecord> FORMAT = new RecordFormat<>(VERSION, MAX_PAYLOAD, StoreCodec::payload,
            StoreCodec::parse, message -> new StoreException(StoreException.Kind.UNAVAILABLE, message));

    private StoreCodec() {
    }

    static String payload(StoreRecord record) {
        return switch (record) {
            case Revision r -> "S " + r.revision() + " " + r.nextLeaseId();
            case Put p -> "P " + p.revision() + " " + p.lease() + " " + key(p.key()) + " " + value(p.value());
            case Delete d -> "D " + d.revision() + " " + key(d.key());
            case LeaseGranted g -> "G " + g.id() + " " + g.ttlMillis() + " " + g.expiresAtMillis();
            case LeaseRenewed k -> "K " + k.id() + " " + k.expiresAtMillis();
            case LeaseEnded x -> "X " + x.revision() + " " + x.id();
            case Stored v -> "V " + key(v.key()) + " " + v.createRevision() + " " + v.modRevision() + " "
                    + v.version() + " " + v.lease() + " " + value(v.value());
        };
    }

    /** Parses a payload whose CRC matched; a failure here means a bug or a foreign file, not a torn write. */
    static StoreRecord parse(String payload) {
        String[] t = payload.split(" ", -1);
        try {
            return switch (t[0]) {
                case "S" -> new Revision(number(arity(t, 3)[1]), number(t[2]));
                case "P" -> new Put(number(arity(t, 5)[1]), unkey(t[3]), unvalue(t[4]), number(t[2]));
                case "D" -> new Delete(number(arity(t, 3)[1]), unkey(t[2]));
                case "G" -> new LeaseGranted(number(arity(t, 4)[1]), number(t[2]), number(t[3]));
                case "K" -> new LeaseRenewed(number(arity(t, 3)[1]), number(t[2]));
                case "X" -> new LeaseEnded(number(arity(t, 3)[1]), number(t[2]));
                case "V" -> new Stored(unkey(arity(t, 7)[1]), unvalue(t[6]), number(t[2]), number(t[3]),
                        number(t[4]), number(t[5]));
                default -> throw new IllegalArgumentException("unknown record type \"" + t[0] + "\"");
            };
        } catch (StoreException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static String key(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            if (b > ' ' && b < 0x7f && b != '%') {
                out.append((char) b);
            } else {
                out.append('%').append(UPPER_HEX.toHexDigits(b));
            }
        }
        return out.toString();
    }

    static String unkey(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("a key ends inside an escape: " + encoded);
                }
                bytes.write(HexFormat.fromHexDigits(encoded, i + 1, i + 3));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        String key = bytes.toString(StandardCharsets.UTF_8);
        Keys.requireKey(key);
        return key;
    }

    private static String value(byte[] value) {
        return Base64.getEncoder().encodeToString(value);
    }

    private static byte[] unvalue(String encoded) {
        return Base64.getDecoder().decode(encoded);
    }


    private static long number(String text) {
        return Long.parseLong(text);
    }

    private static String[] arity(String[] tokens, int n) {
        if (tokens.length != n) {
            throw new IllegalArgumentException("record \"" + tokens[0] + "\" needs " + n + " fields, has "
                    + tokens.length);
        }
        return tokens;
    }
}
