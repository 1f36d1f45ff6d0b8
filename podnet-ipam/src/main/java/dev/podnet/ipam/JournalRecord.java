package dev.podnet.ipam;

import inet.ipaddr.IPAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One line of a journal or snapshot file after the header that the journaled directory writes; see
 * {@link RecordCodec} for the text of each.
 */
sealed interface JournalRecord {

    record Allocated(AttachmentKey key, String pool, List<IPAddress> addresses, Instant at, Optional<PodRef> pod)
            implements JournalRecord {
        public Allocated {
            addresses = List.copyOf(addresses);
        }

        static Allocated of(Allocation a) {
            return new Allocated(a.key(), a.pool(), a.addresses().stream().map(AssignedAddress::address).toList(),
                    a.allocatedAt(), a.pod());
        }
    }

    record Released(AttachmentKey key, Instant at) implements JournalRecord {
    }

    /** The allocation of {@code from} now belongs to {@code to}, with {@code pod} if given; one line, so all or none. */
    record Rekeyed(AttachmentKey from, AttachmentKey to, Instant at, Optional<PodRef> pod) implements JournalRecord {
    }

    /** Snapshot only: an address resting since {@code releasedAt}. */
    record Quarantined(IPAddress address, Instant releasedAt) implements JournalRecord {
    }

    /** Snapshot only: where the pool's search resumes for the address's family. */
    record Cursor(String pool, IPAddress address) implements JournalRecord {
    }
}
