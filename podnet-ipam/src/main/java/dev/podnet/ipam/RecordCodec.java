package dev.podnet.ipam;

import dev.podnet.ipam.JournalRecord.Allocated;
import dev.podnet.ipam.JournalRecord.Cursor;
import dev.podnet.ipam.JournalRecord.Quarantined;
import dev.podnet.ipam.JournalRecord.Rekeyed;
import dev.podnet.ipam.JournalRecord.Released;
import dev.podnet.ipam.IpamException.Reason;
import dev.podnet.net.FramedFile;
import dev.podnet.net.RecordFormat;
import inet.ipaddr.IPAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The text form of journal and snapshot records. Each record is one line:
 * <pre>
 *   LENGTH SP CRC SP PAYLOAD LF
 * </pre>
 * LENGTH is the payload's byte count in decimal; CRC is the CRC32C of the payload as 8 lowercase hex digits.
 * A payload is ASCII tokens separated by single spaces, the first naming the record. The header (H) and the
 * snapshot's end (E) are written and checked by {@link dev.podnet.net.JournaledDirectory}; the rest are this codec's:
 * <pre>
 *   H KIND VERSION GENERATION             header: KIND is "journal" or "snapshot", VERSION is 1
 *   A MILLIS CONTAINER IFNAME POOL ADDRS [POD]
 *                                         allocated; ADDRS is comma-separated canonical addresses, IPv4 first;
 *                                         POD is NAMESPACE/NAME/UID of the Kubernetes pod, when the ADD named one
 *   R MILLIS CONTAINER IFNAME             released (the addresses enter quarantine at MILLIS)
 *   K MILLIS CONTAINER IFNAME CONTAINER IFNAME [POD]
 *                                         re-keyed: the first attachment's allocation now belongs to the second
 *                                         (and to POD when given), its addresses never free in between
 *   Q MILLIS ADDR                         snapshot: ADDR is quarantined since MILLIS
 *   C POOL ADDR                           snapshot: the search of ADDR's family in POOL resumes after ADDR
 *   E COUNT                               snapshot: last record; COUNT records came before it
 * </pre>
 * MILLIS is milliseconds since the epoch. Container ids, interface names and pool names are validated when they
 * enter the engine, so none can hold a space or line break. Example:
 * <pre>
 *   52 dc55c5f2 A 1700000000000 4f2c9e eth0 default 10.0.0.2,fd00::2
 * </pre>
 * POD came after VERSION 1's first files: a record without it is read as before, so journals and snapshots written
 * earlier replay unchanged (an older podnet refuses a record that has it, as the wrong number of fields).
 * Text rather than binary so that an operator can read the state with {@code cat}; the length and checksum
 * still let replay tell a torn last line (cut off) from damage in the middle (an error).
 */
final class RecordCodec {

    static final int VERSION = 1;
    /** Far above the longest valid record; a larger length field is corruption, not a record. */
    static final int MAX_PAYLOAD = 1 << 16;

    /** The IPAM state directory's records; damage there is an INTERNAL error. */
    static final RecordFormat<JournalRecord> FORMAT = new RecordFormat<>(VERSION, MAX_PAYLOAD, RecordCodec::payload,
            RecordCodec::parse, message -> new IpamException(Reason.INTERNAL, message));

    private RecordCodec() {
    }

    static byte[] frame(JournalRecord record) {
        return FramedFile.frame(payload(record));
    }

    static String payload(JournalRecord record) {
        return switch (record) {
            case Allocated a -> "A " + a.at().toEpochMilli() + " " + a.key().containerId() + " " + a.key().ifName()
                    + " " + a.pool() + " " + String.join(",", a.addresses().stream().map(Addresses::text).toList())
                    + a.pod().map(p -> " " + p.token()).orElse("");
            case Released r -> "R " + r.at().toEpochMilli() + " " + r.key().containerId() + " " + r.key().ifName();
            case Rekeyed k -> "K " + k.at().toEpochMilli() + " " + k.from().containerId() + " " + k.from().ifName()
                    + " " + k.to().containerId() + " " + k.to().ifName() + k.pod().map(p -> " " + p.token()).orElse("");
            case Quarantined q -> "Q " + q.releasedAt().toEpochMilli() + " " + Addresses.text(q.address());
            case Cursor c -> "C " + c.pool() + " " + Addresses.text(c.address());
        };
    }

    /** Parses a payload whose CRC matched; a failure here means a bug or a foreign file, not a torn write. */
    static JournalRecord parse(String payload) {
        String[] t = payload.split(" ", -1);
        try {
            return switch (t[0]) {
                case "A" -> {
                    arity(t, t.length == 7 ? 7 : 6);
                    List<IPAddress> addresses = new ArrayList<>();
                    for (String a : t[5].split(",", -1)) {
                        addresses.add(Addresses.parse(a));
                    }
                    Optional<PodRef> pod = t.length == 7 ? Optional.of(PodRef.parse(t[6])) : Optional.empty();
                    yield new Allocated(AttachmentKey.of(t[2], t[3]), pool(t[4]), addresses, millis(t[1]), pod);
                }
                case "R" -> {
                    arity(t, 4);
                    yield new Released(AttachmentKey.of(t[2], t[3]), millis(t[1]));
                }
                case "K" -> {
                    arity(t, t.length == 7 ? 7 : 6);
                    Optional<PodRef> pod = t.length == 7 ? Optional.of(PodRef.parse(t[6])) : Optional.empty();
                    yield new Rekeyed(AttachmentKey.of(t[2], t[3]), AttachmentKey.of(t[4], t[5]), millis(t[1]), pod);
                }
                case "Q" -> {
                    arity(t, 3);
                    yield new Quarantined(Addresses.parse(t[2]), millis(t[1]));
                }
                case "C" -> {
                    arity(t, 3);
                    yield new Cursor(pool(t[1]), Addresses.parse(t[2]));
                }
                default -> throw new IllegalArgumentException("unknown record type \"" + t[0] + "\"");
            };
        } catch (IpamException | NumberFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The frame at {@code offset}; see {@link FramedFile#read(byte[], int, int)}. */
    static FramedFile.Frame read(byte[] data, int offset) {
        return FramedFile.read(data, offset, MAX_PAYLOAD);
    }

    private static Instant millis(String text) {
        return Instant.ofEpochMilli(Long.parseLong(text));
    }

    private static String pool(String name) {
        Pool.requireName(name);
        return name;
    }

    private static void arity(String[] tokens, int n) {
        if (tokens.length != n) {
            throw new IllegalArgumentException("record \"" + tokens[0] + "\" needs " + n + " fields, has "
                    + tokens.length);
        }
    }
}
