package dev.podnet.net;

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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A crash-safe state directory: {@code snapshot.G} (absent for generation 0), {@code journal.G} with the changes
 * after it, and a {@code lock} file held while it is open, so a second process cannot lose writes. Every file starts
 * with the header {@code H KIND VERSION G}; a snapshot ends with {@code E COUNT}, the number of records before it,
 * so a cut-short snapshot is caught. Records are {@link FramedFile} lines whose payloads the {@link RecordFormat}
 * writes and reads.
 * <p>
 * A compaction writes {@code snapshot.G+1.tmp}, forces it, renames it, forces the directory, then starts
 * {@code journal.G+1}: the rename is the commit point, so a crash before it leaves G intact and a crash after it
 * leaves a snapshot holding everything journal.G held. Loading takes the newest snapshot, replays its journal
 * (cutting a torn tail off), and only then removes older files and leftovers.
 */
public final class JournaledDirectory<R> implements Closeable {

    /** Takes replayed records into the owner's state; throws IllegalStateException for one that contradicts it. */
    public interface Replay<R> {
        void apply(R record, boolean fromSnapshot);
    }

    /** Writes the owner's state, which it keeps still meanwhile, as snapshot records. */
    public interface Snapshot<R> {
        void writeTo(Consumer<R> out);
    }

    /** What {@link #lock} does while another process holds the directory. */
    public enum WhenHeld {
        /** Block until it is free, like host-local's flock: short-lived plugin runs take turns. */
        WAIT,
        /** Throw at once: a long-lived owner would otherwise hang. */
        FAIL
    }

    /** A compaction failed after its rename: the owner must stop and be reopened from disk. */
    public static final class CommittedCompactionFailure extends IOException {
        CommittedCompactionFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final Pattern NAME = Pattern.compile("(snapshot|journal)\\.(\\d{1,18})(\\.tmp)?");
    private static final String SNAPSHOT = "snapshot";
    private static final String JOURNAL = "journal";

    private final Path dir;
    private final FileChannel lockChannel;
    private final RecordFormat<R> format;
    private final BooleanSupplier moreComing;
    private final AtomicLong fsyncs = new AtomicLong();
    private long generation;
    private long snapshotBytes;

    private JournaledDirectory(Path dir, FileChannel lockChannel, RecordFormat<R> format,
                               BooleanSupplier moreComing) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.format = format;
        this.moreComing = moreComing;
    }

    /**
     * Creates {@code dir} if needed and takes its lock. {@code moreComing} is handed to every journal: it tells the
     * writer that callers are about to queue records (their engine's lock has waiters), so one force can cover them.
     */
    public static <R> JournaledDirectory<R> lock(Path dir, RecordFormat<R> format, WhenHeld whenHeld,
                                                 BooleanSupplier moreComing) throws IOException {
        Files.createDirectories(dir);
        Path lockFile = dir.resolve("lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = whenHeld == WhenHeld.WAIT ? channel.lock() : channel.tryLock();
            if (lock == null) {
                throw format.failure(dir + " is open in another process (it holds " + lockFile
                        + "); one process at a time");
            }
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw format.failure(dir + " is already open in this process; share that instance instead of opening"
                    + " it twice");
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new JournaledDirectory<>(dir, channel, format, moreComing);
    }

    /** Replays the newest snapshot and its journal into {@code replay}; returns the journal to append to. */
    public GroupCommitJournal<R> load(Replay<R> replay) throws IOException {
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
            throw format.failure(dir + " holds " + journal(newestJournal).getFileName()
                    + " without its snapshot; it was not written by this version of podnet");
        }
        if (newestSnapshot >= 0) {
            snapshotBytes = Files.size(snapshot(generation));
            replaySnapshot(snapshot(generation), replay);
        }
        Path journalFile = journal(generation);
        long validLength = Files.exists(journalFile) ? replayJournal(journalFile, replay) : 0;
        GroupCommitJournal<R> journal = openJournal(journalFile, generation, validLength, 0);
        try {
            forceDirectory();
            deleteOlderThan(generation);
        } catch (IOException | RuntimeException e) {
            journal.abandon();
            throw e;
        }
        return journal;
    }

    private void replaySnapshot(Path file, Replay<R> replay) throws IOException {
        List<FramedFile.Entry<Line<R>>> entries = read(file, false).entries();
        requireHeader(file, entries, SNAPSHOT);
        FramedFile.Entry<Line<R>> last = entries.getLast();
        if (!(last.record() instanceof Line.End<R>(long count)) || count != entries.size() - 1) {
            throw format.corrupt(file, last.offset(), "the snapshot does not end with its record count");
        }
        apply(file, entries.subList(1, entries.size() - 1), replay, true);
    }

    /** Replays a journal; returns the length of its valid prefix, short of a torn tail. */
    private long replayJournal(Path file, Replay<R> replay) throws IOException {
        FramedFile.Contents<Line<R>> contents = read(file, true);
        if (contents.entries().isEmpty()) {
            return 0;   // torn header: a crash while the journal was being created
        }
        requireHeader(file, contents.entries(), JOURNAL);
        apply(file, contents.entries().subList(1, contents.entries().size()), replay, false);
        return contents.validLength();
    }

    private FramedFile.Contents<Line<R>> read(Path file, boolean journal) throws IOException {
        return FramedFile.read(file, journal, format.maxPayload(), this::parse, format::corrupt);
    }

    private void requireHeader(Path file, List<FramedFile.Entry<Line<R>>> entries, String kind) {
        if (entries.isEmpty() || !(entries.getFirst().record() instanceof Line.Header<R> h) || !h.kind().equals(kind)
                || h.generation() != generation) {
            throw format.corrupt(file, 0, "expected a " + kind + " header of generation " + generation);
        }
        if (h.version() != format.version()) {
            throw format.corrupt(file, 0, "format version " + h.version() + " is not supported (expected "
                    + format.version() + ")");
        }
    }

    private void apply(Path file, List<FramedFile.Entry<Line<R>>> entries, Replay<R> replay, boolean snapshot) {
        for (FramedFile.Entry<Line<R>> e : entries) {
            if (!(e.record() instanceof Line.Body<R>(R record))) {
                throw format.corrupt(file, e.offset(), "a header or end record in the middle of the file");
            }
            try {
                replay.apply(record, snapshot);
            } catch (IllegalStateException ex) {
                throw format.corrupt(file, e.offset(), ex.getMessage());
            }
        }
    }

    /** {@link #compact(Snapshot, GroupCommitJournal, Consumer)} without stopping anywhere. */
    public GroupCommitJournal<R> compact(Snapshot<R> state, GroupCommitJournal<R> current) throws IOException {
        return compact(state, current, step -> { });
    }

    /**
     * Writes a snapshot of {@code state} and switches from {@code current} to a new journal. A failure before the
     * rename leaves {@code current} in use; after it, a {@link CommittedCompactionFailure}: the owner must stop.
     * {@code crashPoint} is called after every step; tests make it throw to stop there as a crash would.
     */
    public GroupCommitJournal<R> compact(Snapshot<R> state, GroupCommitJournal<R> current,
                                         Consumer<CompactionStep> crashPoint) throws IOException {
        current.flush();
        long next = generation + 1;
        byte[] snapshot = encodeSnapshot(state, next);
        Path tmp = dir.resolve(SNAPSHOT + "." + next + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(snapshot);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                crashPoint.accept(CompactionStep.SNAPSHOT_WRITTEN);
                channel.force(true);
                crashPoint.accept(CompactionStep.SNAPSHOT_FORCED);
            }
            Files.move(tmp, snapshot(next), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        // From here on the new generation is the truth: a failure must stop the owner, not fall back.
        try {
            crashPoint.accept(CompactionStep.SNAPSHOT_RENAMED);
            forceDirectory();
            crashPoint.accept(CompactionStep.DIRECTORY_FORCED);
            GroupCommitJournal<R> fresh = openJournal(journal(next), next, 0, current.lastEnqueued());
            try {
                forceDirectory();
                crashPoint.accept(CompactionStep.JOURNAL_CREATED);
                current.close();
                generation = next;
                snapshotBytes = snapshot.length;
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

    private byte[] encodeSnapshot(Snapshot<R> state, long generation) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] count = {1};
        out.writeBytes(header(SNAPSHOT, generation));
        state.writeTo(r -> {
            out.writeBytes(FramedFile.frame(format.payload(r)));
            count[0]++;
        });
        out.writeBytes(FramedFile.frame("E " + count[0]));
        return out.toByteArray();
    }

    private GroupCommitJournal<R> openJournal(Path file, long g, long validLength, long seqBase) throws IOException {
        return GroupCommitJournal.open(file, header(JOURNAL, g), validLength, seqBase, format, fsyncs, moreComing);
    }

    private byte[] header(String kind, long g) {
        return FramedFile.frame("H " + kind + " " + format.version() + " " + g);
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
        return dir.resolve(JOURNAL + "." + g);
    }

    /** The generation of the snapshot the journal follows: how many compactions the directory has seen. */
    public long generation() {
        return generation;
    }

    /** Size of the snapshot the journal follows, so an owner can compact once the journal outgrows it. */
    public long snapshotBytes() {
        return snapshotBytes;
    }

    /** Forces of journal files since the directory was locked (snapshots aside). */
    public long fsyncs() {
        return fsyncs.get();
    }

    /** Releases the lock; close the journal first. */
    @Override
    public void close() throws IOException {
        lockChannel.close();
    }

    private Line<R> parse(String payload) {
        String[] t = payload.split(" ", -1);
        return switch (t[0]) {
            case "H" -> {
                arity(t, 4);
                yield new Line.Header<>(t[1], Integer.parseInt(t[2]), Long.parseLong(t[3]));
            }
            case "E" -> {
                arity(t, 2);
                yield new Line.End<>(Long.parseLong(t[1]));
            }
            default -> new Line.Body<>(format.parse(payload));
        };
    }

    private static void arity(String[] tokens, int n) {
        if (tokens.length != n) {
            throw new IllegalArgumentException("record \"" + tokens[0] + "\" needs " + n + " fields, has "
                    + tokens.length);
        }
    }

    /** One line of a file: the directory's own header and end records, or one of the owner's. */
    private sealed interface Line<R> {
        record Header<R>(String kind, int version, long generation) implements Line<R> {
        }

        record End<R>(long count) implements Line<R> {
        }

        record Body<R>(R record) implements Line<R> {
        }
    }
}
