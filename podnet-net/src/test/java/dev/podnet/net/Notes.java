package dev.podnet.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The smallest owner of a {@link JournaledDirectory}: its state is a list of notes, each change appends one.
 * A note "contradiction" cannot be replayed, as a record that contradicts the state.
 */
final class Notes implements AutoCloseable {

    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }

    static final RecordFormat<String> FORMAT = new RecordFormat<>(1, 1024, note -> "N " + note, Notes::parse,
            Failure::new);

    private static String parse(String payload) {
        if (!payload.startsWith("N ")) {
            throw new IllegalArgumentException("not a note: " + payload);
        }
        return payload.substring(2);
    }

    final List<String> notes = new ArrayList<>();
    final List<Boolean> fromSnapshot = new ArrayList<>();
    final JournaledDirectory<String> directory;
    GroupCommitJournal<String> journal;

    Notes(Path dir) throws IOException {
        directory = JournaledDirectory.lock(dir, FORMAT, JournaledDirectory.WhenHeld.FAIL, () -> false);
        try {
            journal = directory.load((note, snapshot) -> {
                if (note.equals("contradiction")) {
                    throw new IllegalStateException("a contradiction");
                }
                notes.add(note);
                fromSnapshot.add(snapshot);
            });
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    void add(String note) throws IOException {
        long seq;
        synchronized (this) {
            notes.add(note);
            seq = journal.enqueue(note);
        }
        journal.awaitDurable(seq);
    }

    synchronized void compact() throws IOException {
        journal = directory.compact(out -> notes.forEach(out), journal);
    }

    /** Drops everything unwritten and releases the lock, as {@code kill -9} would. */
    void crash() throws IOException {
        journal.abandon();
        directory.close();
    }

    @Override
    public void close() throws IOException {
        journal.close();
        directory.close();
    }

    static List<String> files(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
