package dev.podnet.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JournaledDirectoryTest {

    @TempDir
    Path tmp;

    static final class Crash extends RuntimeException {
    }

    private Path dir() {
        return tmp.resolve("state");
    }

    private List<String> reopen() throws IOException {
        try (Notes n = new Notes(dir())) {
            return List.copyOf(n.notes);
        }
    }

    @Test
    void theFilesAreTheFormatThatExistingStateDirectoriesHold() throws IOException {
        try (Notes n = new Notes(dir())) {
            n.add("a");
            n.compact();
            n.add("b");
        }
        assertThat(Notes.files(dir())).containsExactly("journal.1", "lock", "snapshot.1");
        assertThat(Files.readString(dir().resolve("snapshot.1"), StandardCharsets.US_ASCII)).isEqualTo(
                text("H snapshot 1 1") + text("N a") + text("E 2"));
        assertThat(Files.readString(dir().resolve("journal.1"), StandardCharsets.US_ASCII)).isEqualTo(
                text("H journal 1 1") + text("N b"));
        try (Notes n = new Notes(dir())) {
            assertThat(n.notes).containsExactly("a", "b");
            assertThat(n.fromSnapshot).containsExactly(true, false);
            assertThat(n.directory.generation()).isEqualTo(1);
            assertThat(n.directory.snapshotBytes()).isEqualTo(Files.size(dir().resolve("snapshot.1")));
        }
    }

    @ParameterizedTest
    @EnumSource(CompactionStep.class)
    void aCrashAfterAnyCompactionStepReplaysToTheSameNotes(CompactionStep stop) throws IOException {
        Notes n = new Notes(dir());
        n.add("a");
        n.add("b");
        GroupCommitJournal<String> before = n.journal;
        assertThatThrownBy(() -> n.directory.compact(out -> n.notes.forEach(out), before, step -> {
            if (step == stop) {
                throw new Crash();
            }
        })).isInstanceOf(Crash.class);
        before.abandon();
        n.directory.close();
        assertThat(reopen()).containsExactly("a", "b");
        // Leftovers (a .tmp, the older generation) are gone; one generation remains and accepts appends.
        assertThat(Notes.files(dir())).allMatch(f -> f.equals("lock") || f.matches("(snapshot|journal)\\.\\d+"))
                .hasSizeBetween(2, 3);
        try (Notes again = new Notes(dir())) {
            again.add("c");
        }
        assertThat(reopen()).containsExactly("a", "b", "c");
    }

    @Test
    void aSnapshotThatNeverReachedItsRenameIsDeletedOnLoad() throws IOException {
        try (Notes n = new Notes(dir())) {
            n.add("a");
        }
        Files.writeString(dir().resolve("snapshot.1.tmp"), "half a snapshot");
        assertThat(reopen()).containsExactly("a");
        assertThat(Notes.files(dir())).containsExactly("journal.0", "lock");
    }

    @Test
    void cuttingTheJournalAtAnyByteReplaysAWholeNumberOfRecordsAndAppendsAfterThem() throws IOException {
        try (Notes n = new Notes(dir())) {
            for (String note : List.of("one", "two", "three")) {
                n.add(note);
            }
        }
        byte[] journal = Files.readAllBytes(dir().resolve("journal.0"));
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < journal.length; i++) {
            if (journal[i] == '\n') {
                ends.add(i + 1);
            }
        }
        for (int cut = 0; cut <= journal.length; cut++) {
            Path d = tmp.resolve("cut" + cut);
            Files.createDirectories(d);
            Files.write(d.resolve("journal.0"), Arrays.copyOf(journal, cut));
            int whole = 0;
            while (whole + 1 < ends.size() && ends.get(whole + 1) <= cut) {
                whole++;
            }
            try (Notes n = new Notes(d)) {
                assertThat(n.notes).as("cut at %d", cut).isEqualTo(List.of("one", "two", "three").subList(0, whole));
                n.add("after");
            }
            // The torn tail (or torn header) was replaced, not appended to.
            int kept = whole == 0 ? ends.getFirst() : ends.get(whole);
            byte[] now = Files.readAllBytes(d.resolve("journal.0"));
            assertThat(Arrays.copyOf(now, kept)).isEqualTo(Arrays.copyOf(journal, kept));
            assertThat(Arrays.copyOfRange(now, kept, now.length)).isEqualTo(FramedFile.frame("N after"));
        }
    }

    @Test
    void damageFollowedByAValidRecordIsTheOwnersErrorNamingFileAndOffset() throws IOException {
        try (Notes n = new Notes(dir())) {
            n.add("a");
            n.add("b");
        }
        Path file = dir().resolve("journal.0");
        byte[] bytes = Files.readAllBytes(file);
        int second = text("H journal 1 0").length();
        bytes[second + 12] ^= 0x04;
        Files.write(file, bytes);
        assertThatThrownBy(() -> new Notes(dir())).isInstanceOf(Notes.Failure.class)
                .hasMessageContaining(file + " is corrupt at offset " + second)
                .hasMessageContaining("yet a valid record follows");
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    }

    @Test
    void aRecordTheOwnerCannotReplayIsCorruptionAtItsOffset() throws IOException {
        try (Notes n = new Notes(dir())) {
            n.add("a");
            n.add("contradiction");
        }
        Path file = dir().resolve("journal.0");
        long offset = (text("H journal 1 0") + text("N a")).length();
        assertThatThrownBy(() -> new Notes(dir())).isInstanceOf(Notes.Failure.class)
                .hasMessageContaining(file + " is corrupt at offset " + offset + ": a contradiction");
    }

    @Test
    void aCutShortSnapshotIsAnError() throws IOException {
        try (Notes n = new Notes(dir())) {
            n.add("a");
            n.compact();
        }
        Path snapshot = dir().resolve("snapshot.1");
        byte[] bytes = Files.readAllBytes(snapshot);
        int lastLine = bytes.length - text("E 2").length();
        Files.write(snapshot, Arrays.copyOf(bytes, lastLine));
        assertThatThrownBy(() -> new Notes(dir())).isInstanceOf(Notes.Failure.class)
                .hasMessageContaining(snapshot + " is corrupt at offset").hasMessageContaining("record count");
    }

    @Test
    void foreignFilesAreRefused() throws IOException {
        Files.createDirectories(dir());
        Files.write(dir().resolve("journal.3"), FramedFile.frame("H journal 1 3"));
        assertThatThrownBy(() -> new Notes(dir())).isInstanceOf(Notes.Failure.class)
                .hasMessageContaining("journal.3 without its snapshot");
        Files.delete(dir().resolve("journal.3"));
        Files.write(dir().resolve("journal.0"), FramedFile.frame("H journal 2 0"));
        assertThatThrownBy(() -> new Notes(dir())).isInstanceOf(Notes.Failure.class)
                .hasMessageContaining("format version 2 is not supported");
        Files.write(dir().resolve("journal.0"), FramedFile.frame("H snapshot 1 0"));
        assertThatThrownBy(() -> new Notes(dir())).isInstanceOf(Notes.Failure.class)
                .hasMessageContaining("expected a journal header of generation 0");
        Files.write(dir().resolve("journal.0"), concat(FramedFile.frame("H journal 1 0"), FramedFile.frame("E 1")));
        assertThatThrownBy(() -> new Notes(dir())).isInstanceOf(Notes.Failure.class)
                .hasMessageContaining("in the middle of the file");
    }

    @Test
    void aSecondOpenInTheSameProcessIsTheOwnersError() throws IOException {
        try (Notes n = new Notes(dir())) {
            assertThatThrownBy(() -> new Notes(dir())).isInstanceOf(Notes.Failure.class)
                    .hasMessageContaining(dir() + " is already open in this process");
        }
        reopen();
    }

    private static String text(String payload) {
        return new String(FramedFile.frame(payload), StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
