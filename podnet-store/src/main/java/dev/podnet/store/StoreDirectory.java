package dev.podnet.store;

import dev.podnet.net.FramedFile;
import dev.podnet.store.StoreRecord.End;
import dev.podnet.store.StoreRecord.Header;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded store's files: {@code snapshot.G} (absent for generation 0), {@code journal.G} with the changes after
 * it, and a {@code lock} file held while the store is open. A compaction writes {@code snapshot.G+1.tmp}, forces it,
 * renames it, forces the directory, then starts {@code journal.G+1}: the rename is the commit point, so a crash before
 * it leaves G intact and a crash after it leaves a snapshot holding everything journal.G held. Opening takes the
 * newest snapshot, replays its journal, and only then removes older files and leftovers.
 */
final class StoreDirectory implements Closeable {

    private static final Pattern NAME = Pattern.compile("(snapshot|journal)\\.(\\d{1,18})(\\.tmp)?");
    private static final String SNAPSHOT = "snapshot";

    private final Path dir;
    private final FileChannel lockChannel;
    private long generation;
    private long snapshotBytes;

    private StoreDirectory(Path dir, FileChannel lockChannel) {
        this.dir = dir;
        this.lockChannel = lockChannel;
    }

    /** Takes the directory's lock without waiting: a second store on the same files would lose writes. */
    static StoreDirectory lock(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StoreException(StoreException.Kind.UNAVAILABLE, "the store in " + dir
                        + " is open in another process (it holds " + dir.resolve("lock") + "); one process at a time");
            }
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "the store in " + dir
                    + " is already open in this process; share that instance instead of opening it twice");
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new StoreDirectory(dir, channel);
    }

    /** Replays snapshot and journal into {@code state}; returns the journal to append to. */
    StoreJournal load(StoreState state) throws IOException {
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
            throw new StoreException(StoreException.Kind.UNAVAILABLE, dir + " holds "
                    + journal(newestJournal).getFileName() + " without its snapshot; it was not written by podnet");
        }
        if (newestSnapshot >= 0) {
            snapshotBytes = Files.size(snapshot(generation));
            replaySnapshot(snapshot(generation), state);
        }
        Path journalFile = journal(generation);
        long validLength = 0;
        if (Files.exists(journalFile)) {
            validLength = replayJournal(journalFile, state);
        }
        StoreJournal journal = StoreJournal.open(journalFile, generation, validLength, 0);
        try {
            forceDirectory();
            deleteOlderThan(generation);
        } catch (IOException | RuntimeException e) {
            journal.abandon();
            throw e;
        }
        return journal;
    }

    private void replaySnapshot(Path file, StoreState state) throws IOException {
        List<FramedFile.Entry<StoreRecord>> entries = StoreFileReader.readSnapshot(file).entries();
        requireHeader(file, entries, SNAPSHOT);
        FramedFile.Entry<StoreRecord> last = entries.getLast();
        if (!(last.record() instanceof End(long count)) || count != entries.size() - 1) {
            throw StoreFileReader.corrupt(file, last.offset(), "the snapshot does not end with its record count");
        }
        apply(file, entries.subList(1, entries.size() - 1), state);
    }

    private long replayJournal(Path file, StoreState state) throws IOException {
        FramedFile.Contents<StoreRecord> contents = StoreFileReader.readJournal(file);
        if (contents.entries().isEmpty()) {
            return 0;   // torn header: a crash while the journal was being created
        }
        requireHeader(file, contents.entries(), StoreJournal.KIND);
        apply(file, contents.entries().subList(1, contents.entries().size()), state);
        return contents.validLength();
    }

    private void requireHeader(Path file, List<FramedFile.Entry<StoreRecord>> entries, String kind) {
        if (entries.isEmpty() || !(entries.getFirst().record() instanceof Header h) || !h.kind().equals(kind)
                || h.generation() != generation) {
            throw StoreFileReader.corrupt(file, 0, "expected a " + kind + " header of generation " + generation);
        }
        if (h.version() != StoreCodec.VERSION) {
            throw StoreFileReader.corrupt(file, 0, "format version " + h.version() + " is not supported (expected "
                    + StoreCodec.VERSION + ")");
        }
    }

    private static void apply(Path file, List<FramedFile.Entry<StoreRecord>> entries, StoreState state) {
        for (FramedFile.Entry<StoreRecord> e : entries) {
            try {
                state.apply(e.record());
            } catch (IllegalStateException ex) {
                throw StoreFileReader.corrupt(file, e.offset(), ex.getMessage());
            }
        }
    }

    /**
     * Writes a snapshot of {@code state} (which the caller keeps still, holding the store's lock) and switches to a
     * new journal. A failure before the rename leaves the current journal in use; after it, the caller must stop.
     */
    StoreJournal compact(StoreState state, StoreJournal current) throws IOException {
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
            channel.force(true);
            Files.move(tmp, snapshot(next), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        // From here on the new generation is the truth: a failure must stop the store, not fall back.
        try {
            forceDirectory();
            StoreJournal fresh = StoreJournal.open(journal(next), next, 0, current.lastEnqueued());
            try {
                forceDirectory();
                current.close();
                generation = next;
                snapshotBytes = snapshot.length;
                deleteOlderThan(next);
                return fresh;
            } catch (IOException | RuntimeException e) {
                fresh.abandon();
                throw e;
            }
        } catch (IOException e) {
            throw new CommittedCompactionFailure(e);
        }
    }

    /** A compaction failed after its rename: the store must stop and be reopened from disk. */
    static final class CommittedCompactionFailure extends IOException {
        CommittedCompactionFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static byte[] encodeSnapshot(StoreState state, long generation) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] count = {0};
        java.util.function.Consumer<StoreRecord> put = r -> {
            out.writeBytes(StoreCodec.frame(r));
            count[0]++;
        };
        put.accept(new Header(SNAPSHOT, StoreCodec.VERSION, generation));
        state.writeSnapshot(put);
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

    Path journal(long g) {
        return dir.resolve(StoreJournal.KIND + "." + g);
    }

    long generation() {
        return generation;
    }

    /** Size of the snapshot the journal follows: compaction waits until the journal outgrows it. */
    long snapshotBytes() {
        return snapshotBytes;
    }

    @Override
    public void close() throws IOException {
        lockChannel.close();   // releases the lock
    }
}
