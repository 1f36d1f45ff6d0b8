package dev.podnet.ipam;

import inet.ipaddr.IPAddress;
import java.time.Instant;
import java.util.List;

/** One line of a journal or snapshot file; see {@link RecordCodec} for the text of each. */
sealed interface JournalRecord {

    /** First record of every file: which kind it is, the format version and the generation in its name. */
    record Header(String kind, int version, long generation) implements JournalRecord {
    }

    record Allocated(AttachmentKey key, String pool, List<IPAddress> addresses, Instant at) implements JournalRecord {
        public Allocated {
            addresses = List.copyOf(addresses);
        }
    }

    record Released(AttachmentKey key, Instant at) implements JournalRecord {
    }

    /** Snapshot only: an address resting since {@code releasedAt}. */
    record Quarantined(IPAddress address, Instant releasedAt) implements JournalRecord {
    }

    /** Snapshot only: where the pool's search resumes for the address's family. */
    record Cursor(String pool, IPAddress address) implements JournalRecord {
    }

    /** Snapshot only, last: the number of records before it, header included, so a cut-short file is caught. */
    record End(long count) implements JournalRecord {
    }
}
