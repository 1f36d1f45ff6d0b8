package dev.podnet.ipam;

import dev.podnet.ipam.JournalRecord.Allocated;
import dev.podnet.ipam.JournalRecord.Cursor;
import dev.podnet.ipam.JournalRecord.Quarantined;
import dev.podnet.ipam.JournalRecord.Rekeyed;
import dev.podnet.ipam.JournalRecord.Released;
import dev.podnet.net.JournaledDirectory;
import inet.ipaddr.IPAddress;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * How the allocator's state goes into the journaled directory and comes back: a journal holds changes (allocated,
 * released), a snapshot holds the state (allocations, quarantine, cursors). A record where it cannot be is an error.
 */
final class StateRecords {

    private StateRecords() {
    }

    static JournaledDirectory.Replay<JournalRecord> replayInto(AllocatorState state) {
        return (record, snapshot) -> {
            switch (record) {
                case Allocated a -> state.replayAllocated(a);
                case Released r when !snapshot -> state.replayReleased(r.key(), r.at());
                case Rekeyed k when !snapshot -> state.rekey(k.from(), k.to(), k.pod());
                case Quarantined q when snapshot -> state.replayQuarantined(q.address(), q.releasedAt());
                case Cursor c when snapshot -> state.replayCursor(c.pool(), c.address());
                default -> throw new IllegalStateException("unexpected record " + RecordCodec.payload(record));
            }
        };
    }

    /** The snapshot of {@code state}, which the caller keeps still while it is written. */
    static JournaledDirectory.Snapshot<JournalRecord> snapshotOf(AllocatorState state) {
        return out -> state.writeSnapshot(new Sink(out));
    }

    private record Sink(Consumer<JournalRecord> out) implements AllocatorState.SnapshotSink {
        @Override
        public void allocated(Allocation a) {
            out.accept(Allocated.of(a));
        }

        @Override
        public void quarantined(IPAddress address, Instant releasedAt) {
            out.accept(new Quarantined(address, releasedAt));
        }

        @Override
        public void cursor(String pool, IPAddress address) {
            out.accept(new Cursor(pool, address));
        }
    }
}
