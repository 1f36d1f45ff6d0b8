package dev.podnet.ipam;

import dev.podnet.net.FramedFile;
import dev.podnet.ipam.IpamException.Reason;
import dev.podnet.ipam.JournalRecord.Allocated;
import dev.podnet.ipam.JournalRecord.Cursor;
import dev.podnet.ipam.JournalRecord.End;
import dev.podnet.ipam.JournalRecord.Header;
import dev.podnet.ipam.JournalRecord.Quarantined;
import dev.podnet.ipam.JournalRecord.Released;
import inet.ipaddr.IPAddress;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one engine: {@code snapshot.G} (absent for generation 0) and {@code journal.G}, the changes after
 * it, plus a {@code lock} file that keeps a second process (the agent and an embedded-mode plugin) out.
 * A compaction writes {@code snapshot.G+1.tmp}, forces it, renames it, forces the directory, then starts
 * {@code journal.G+1}: the rename is the commit point, so a crash before it leaves G intact and a crash after it
 * leaves a snapshot holding everything journal.G held. Start-up takes the newest snapshot, replays its journal,
 * and only then removes older files and leftovers.
 */
final class StateDirectory implements Closeable {

    private static final Pattern NAME = Pattern.compile("(snapshot|journal)\\.(\\d{1,18})(\\.tmp)?");
    private static final String SNAPSHOT = "snapshot";

    private final Path dir;
    private final FileChannel lockChannel;
    private long generation;

    private StateDirectory(Path dir, FileChannel lockChannel) {
        this.dir = dir;
        this.lockChannel = lockChannel;
    }

    static StateDirectory lock(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            // Blocks like host-local's flock: embedded-mode plugin runs take turns.
            FileLock lock = channel.lock();
            if (!lock.isValid()) {
                throw new IOException("could not lock " + dir);
            }
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IpamException(Reason.INTERNAL, dir + " is already open in this process");
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new StateDirectory(dir, channel);
    }

    /** Replays snapshot and journal into {@code state}; returns the journal to append to. */
    Journal load(AllocatorState state, AtomicLong fsyncs, BooleanSupplier moreComing) throws IOException {
        long newestSnapshot = -1;
        long newestJournal = -1;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                if (m.group(3) != null) {
                    Files.delete(file);   // a compaction that never reached its rename
                } else if (m.group(1).equals(SNAPSHOT)) {
                    newestSnapshot = Math.max(newestSnapshot, Long.parseLong(m.group(2)));
                } else {
                    newestJournal = Math.max(newestJournal, Long.parseLong(m.group(2)));
                }
            }
        }
        generation = Math.max(newestSnapshot, 0);
        if (newestJournal > generation) {
            throw new IpamException(Reason.INTERNAL, dir + " holds " + journal(newestJournal).getFileName()
                    + " without its snapshot; it was not written by this version of podnet");
        }
        if (newestSnapshot >= 0) {
            replaySnapshot(snapshot(generation), state);
        }
        Path journalFile = journal(generation);
        long validLength = 0;
        if (Files.exists(journalFile)) {
            validLength = replayJournal(journalFile, state);
        }
        Journal journal = Journal.open(journalFile, generation, validLength, 0, fsyncs, moreComing);
        forceDirectory();
        deleteOlderThan(generation);
        return journal;
    }

    private void replaySnapshot(Path file, AllocatorState state) throws IOException {
        List<FramedFile.Entry<JournalRecord>> entries = RecordFile.readSnapshot(file).entries();
        requireHeader(file, entries, SNAPSHOT);
        FramedFile.Entry<JournalRecord> last = entries.getLast();
        if (!(last.record() instanceof End(long count)) || count != entries.size() - 1) {
            throw RecordFile.corrupt(file, last.offset(), "the snapshot does not end with its record count");
        }
        apply(file, entries.subList(1, entries.size() - 1), state, true);
    }

    private long replayJournal(Path file, AllocatorState state) throws IOException {
        FramedFile.Contents<JournalRecord> contents = RecordFile.readJournal(file);
        if (contents.entries().isEmpty()) {
            return 0;   // torn header: a crash while the journal was being created
        }
        requireHeader(file, contents.entries(), Journal.KIND);
        apply(file, contents.entries().subList(1, contents.entries().size()), state, false);
        return contents.validLength();
    }

    private void requireHeader(Path file, List<FramedFile.Entry<JournalRecord>> entries, String kind) {
        if (entries.isEmpty() || !(entries.getFirst().record() instanceof Header h) || !h.kind().equals(kind)
                || h.generation() != generation) {
            throw RecordFile.corrupt(file, 0, "expected a " + kind + " header of generation " + generation);
        }
        if (h.version() != RecordCodec.VERSION) {
            throw RecordFile.corrupt(file, 0, "format version " + h.version() + " is not supported (expected "
                    + RecordCodec.VERSION + ")");
        }
    }

    private static void apply(Path file, List<FramedFile.Entry<JournalRecord>> entries, AllocatorState state, boolean snapshot) {
        for (FramedFile.Entry<JournalRecord> e : entries) {
            try {
                switch (e.record()) {
                    case Allocated a -> state.replayAllocated(a.key(), a.pool(), a.addresses(), a.at());
                    case Released r when !snapshot -> state.replayReleased(r.key(), r.at());
                    case Quarantined q when snapshot -> state.replayQuarantined(q.address(), q.releasedAt());
                    case Cursor c when snapshot -> state.replayCursor(c.pool(), c.address());
                    default -> throw new IllegalStateException("unexpected record " + RecordCodec.payload(e.record()));
                }
            } catch (IllegalStateException ex) {
                throw RecordFile.corrupt(file, e.offset(), ex.getMessage());
            }
        }
    }

    /**
     * Writes a snapshot of {@code state} (which the caller keeps still) and switches to a new journal.
     * {@code crashPoint} is called after every step; tests make it throw to stop there.
     */
    Journal compact(AllocatorState state, Journal current, AtomicLong fsyncs, BooleanSupplier moreComing,
                    Consumer<CompactionStep> crashPoint) throws IOException {
        current.flush();
        long next = generation + 1;
        byte[] snapshot = encodeSnapshot(state, next);
        Path tmp = dir.resolve(SNAPSHOT + "." + next + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(snapshot);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            crashPoint.accept(CompactionStep.SNAPSHOT_WRITTEN);
            channel.force(true);
            crashPoint.accept(CompactionStep.SNAPSHOT_FORCED);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, snapshot(next), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        // From here on the new generation is the truth: a failure must stop the engine, not fall back.
        try {
            crashPoint.accept(CompactionStep.SNAPSHOT_RENAMED);
            forceDirectory();
            crashPoint.accept(CompactionStep.DIRECTORY_FORCED);
            Journal fresh = Journal.open(journal(next), next, 0, current.lastEnqueued(), fsyncs, moreComing);
            try {
                forceDirectory();
                crashPoint.accept(CompactionStep.JOURNAL_CREATED);
                current.close();
                generation = next;
                deleteOlderThan(next);
                crashPoint.accept(CompactionStep.OLD_FILES_DELETED);
                return fresh;
            } catch (IOException | RuntimeException e) {
                fresh.abandon();
                throw e;
            }
        } catch (IOException e) {
            throw new CommittedCompactionFailure(e);
        }
    }

    /** A compaction failed after its rename: the engine must stop and be reopened from disk. */
    static final class CommittedCompactionFailure extends IOException {
        CommittedCompactionFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static byte[] encodeSnapshot(AllocatorState state, long generation) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] count = {0};
        Consumer<JournalRecord> put = r -> {
            out.writeBytes(RecordCodec.frame(r));
            count[0]++;
        };
        put.accept(new Header(SNAPSHOT, RecordCodec.VERSION, generation));
        state.writeSnapshot(new AllocatorState.SnapshotSink() {
            @Override
            public void allocated(Allocation a) {
                put.accept(new Allocated(a.key(), a.pool(),
                        a.addresses().stream().map(AssignedAddress::address).toList(), a.allocatedAt()));
            }

            @Override
            public void quarantined(IPAddress address, Instant releasedAt) {
                put.accept(new Quarantined(address, releasedAt));
            }

            @Override
            public void cursor(String pool, IPAddress address) {
                put.accept(new Cursor(pool, address));
            }
        });
        put.accept(new End(count[0]));
        return out.toByteArray();
    }

    private void deleteOlderThan(long keep) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches() && m.group(3) == null && Long.parseLong(m.group(2)) < keep) {
                    Files.delete(file);
                }
            }
        }
    }

    /** Makes creates, renames and deletes in the directory durable. */
    private void forceDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private Path snapshot(long g) {
        return dir.resolve(SNAPSHOT + "." + g);
    }

    private Path journal(long g) {
        return dir.resolve(Journal.KIND + "." + g);
    }

    long generation() {
        return generation;
    }

    @Override
    public void close() throws IOException {
        lockChannel.close();   // releases the lock
    }
}
