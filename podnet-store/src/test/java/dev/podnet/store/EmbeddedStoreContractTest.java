package dev.podnet.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.store.StoreException.Kind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded store with a virtual clock, and what only a file-backed store has to do. */
class EmbeddedStoreContractTest extends ClusterStoreContract {

    @TempDir
    Path temp;
    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));

    private Path dir() {
        return temp.resolve("store");
    }

    @Override
    protected ClusterStore store() {
        return EmbeddedStore.open(dir(), clock);
    }

    @Override
    protected void advance(Duration d) {
        clock.advance(d);
    }

    @Test
    void aRestartKeepsDataRevisionsAndLeases() {
        Lease lease = grant(Duration.ofSeconds(30));
        store.put("/keep/a", bytes("a"), 0);
        KeyValue b = store.put("/keep/b", bytes("b"), lease.id());
        KeyValue a2 = store.put("/keep/a", bytes("a2"), 0);
        long revision = store.range("/keep/").revision();
        store.close();
        try (EmbeddedStore reopened = EmbeddedStore.open(dir(), clock)) {
            Range range = reopened.range("/keep/");
            assertThat(range.revision()).isEqualTo(revision);
            assertThat(range.kvs()).extracting(KeyValue::valueText).containsExactly("a2", "b");
            KeyValue a = range.kvs().getFirst();
            assertThat(List.of(a.createRevision(), a.modRevision(), a.version()))
                    .containsExactly(a2.createRevision(), a2.modRevision(), 2L);
            assertThat(range.kvs().get(1).lease()).isEqualTo(b.lease());
            assertThat(reopened.put("/keep/c", bytes("c"), 0).modRevision()).isEqualTo(revision + 1);
            assertThat(reopened.grantLease(Duration.ofSeconds(1)).id()).as("lease ids are not reused")
                    .isGreaterThan(lease.id());
            // The lease still runs on the clock: it expires 30 s after its grant, restart or not.
            clock.advance(Duration.ofSeconds(30));
            assertThat(reopened.get("/keep/b")).isEmpty();
        }
    }

    @Test
    void aTornLastJournalRecordIsDroppedOnOpen() throws IOException {
        store.put("/t/a", bytes("a"), 0);
        KeyValue b = store.put("/t/b", bytes("b"), 0);
        ((EmbeddedStore) store).simulateCrash();
        Path journal = dir().resolve("journal.0");
        long size = Files.size(journal);
        try (var channel = java.nio.channels.FileChannel.open(journal, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(size - 5);   // the crash cut the last record short
        }
        try (EmbeddedStore reopened = EmbeddedStore.open(dir(), clock)) {
            assertThat(reopened.get("/t/a")).isPresent();
            assertThat(reopened.get("/t/b")).isEmpty();
            assertThat(reopened.range("/t/").revision()).isEqualTo(b.modRevision() - 1);
            assertThat(reopened.put("/t/c", bytes("c"), 0).modRevision()).isEqualTo(b.modRevision());
        }
        try (EmbeddedStore again = EmbeddedStore.open(dir(), clock)) {
            assertThat(again.range("/t/").kvs()).extracting(KeyValue::key).containsExactly("/t/a", "/t/c");
        }
    }

    @Test
    void damageBeforeTheLastRecordIsAnErrorNamingTheFile() throws IOException {
        store.put("/dmg/a", bytes("a"), 0);
        store.put("/dmg/b", bytes("b"), 0);
        store.close();
        Path journal = dir().resolve("journal.0");
        String text = Files.readString(journal, StandardCharsets.US_ASCII);
        int at = text.indexOf("/dmg/a");
        Files.writeString(journal, text.substring(0, at) + "/dmg/X" + text.substring(at + 6),
                StandardCharsets.US_ASCII);
        StoreException e = assertKind(() -> EmbeddedStore.open(dir(), clock), Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("journal.0").contains("corrupt at offset");
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFails() throws Exception {
        StoreException e = assertKind(() -> EmbeddedStore.open(dir(), clock), Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains(dir().toString()).contains("already open in this process");
        store.close();

        // Another process holds it: this one is told so, and gets it once the other is gone.
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldStore.class.getName(), dir().toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).startsWith("open at revision");
            StoreException held = assertKind(() -> EmbeddedStore.open(dir(), clock), Kind.UNAVAILABLE);
            assertThat(held.getMessage()).contains("open in another process");
        } finally {
            other.getOutputStream().close();
            if (!other.waitFor(10, TimeUnit.SECONDS)) {
                other.destroyForcibly();
            }
        }
        EmbeddedStore.open(dir(), clock).close();
    }

    @Test
    void watchesFromRevisionsOutOfTheHistoryAreCompacted() {
        store.close();
        try (EmbeddedStore small = EmbeddedStore.builder(dir(), clock).watchHistory(3).open()) {
            long start = small.range("/h/").revision();
            for (int i = 0; i < 5; i++) {
                small.put("/h/" + i, bytes("v"), 0);
            }
            assertKind(() -> small.watch("/h/", start, new RecordingListener()), Kind.COMPACTED);
            assertKind(() -> small.watch("/h/", start + 1, new RecordingListener()), Kind.COMPACTED);
            RecordingListener recent = new RecordingListener();
            Watch w = small.watch("/h/", start + 2, recent);
            assertThat(recent.awaitEvents(3, WAIT)).extracting(ev -> ev.kv().key())
                    .containsExactly("/h/2", "/h/3", "/h/4");
            w.close();
        }
        try (EmbeddedStore reopened = EmbeddedStore.open(dir(), clock)) {
            long now = reopened.range("/h/").revision();
            assertKind(() -> reopened.watch("/h/", now - 1, new RecordingListener()), Kind.COMPACTED);
        }
    }

    @Test
    void theJournalIsCompactedIntoASnapshotThatReplaysTheSame() {
        store.close();
        byte[] value = new byte[1000];
        long revision;
        long leaseId;
        try (EmbeddedStore small = EmbeddedStore.builder(dir(), clock).compactAfterBytes(4096).open()) {
            leaseId = small.grantLease(Duration.ofSeconds(60)).id();
            for (int i = 0; i < 40; i++) {
                small.put("/s/" + (i % 7), value, i % 7 == 0 ? leaseId : 0);
            }
            Await.until("a compaction", WAIT, () -> small.generation() > 0);
            revision = small.range("/s/").revision();
        }
        assertThat(dir().resolve("journal.0")).doesNotExist();
        try (EmbeddedStore reopened = EmbeddedStore.open(dir(), clock)) {
            Range range = reopened.range("/s/");
            assertThat(range.revision()).isEqualTo(revision);
            assertThat(range.kvs()).hasSize(7);
            assertThat(range.kvs().getFirst().lease()).isEqualTo(leaseId);
            reopened.revokeLease(leaseId);
            assertThat(reopened.get("/s/0")).isEmpty();
            assertThat(reopened.range("/s/").revision()).isEqualTo(revision + 1);
        }
    }

    @Test
    void theSweepExpiresLeasesWithoutAnyCall() {
        store.close();
        try (EmbeddedStore swept = EmbeddedStore.builder(dir(), clock)
                .leaseSweepInterval(Duration.ofMillis(20)).open()) {
            Lease lease = swept.grantLease(Duration.ofSeconds(5));
            KeyValue kv = swept.put("/sw/a", bytes("a"), lease.id());
            RecordingListener events = new RecordingListener();
            swept.watch("/sw/", kv.modRevision(), events);
            clock.advance(Duration.ofSeconds(5));
            assertThat(events.awaitEvents(1, WAIT).getFirst().type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(events.threads()).containsOnly("podnet-store-watch");
        }
    }

    @Test
    void concurrentWritersAllLandAndReplay() throws Exception {
        int writers = 16;
        int each = 25;
        long start = store.range("/cw/").revision();
        List<java.util.Optional<StoreException>> errors = race(writers, i -> {
            for (int j = 0; j < each; j++) {
                store.put("/cw/" + i + "/" + j, bytes("v"), 0);
            }
        });
        assertThat(errors).allSatisfy(e -> assertThat(e).isEmpty());
        assertThat(store.range("/cw/").revision()).isEqualTo(start + writers * each);
        store.close();
        try (EmbeddedStore reopened = EmbeddedStore.open(dir(), clock)) {
            assertThat(reopened.range("/cw/").kvs()).hasSize(writers * each);
        }
    }

    @Test
    void closingTheStoreEndsItsWatches() {
        RecordingListener events = new RecordingListener();
        store.watch("/end/", 1, events);
        store.close();
        assertThat(events.awaitFailure(WAIT).kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void theBuilderChecksItsOptions() {
        assertKind(() -> EmbeddedStore.builder(dir(), clock).watchHistory(0), Kind.INVALID);
        assertKind(() -> EmbeddedStore.builder(dir(), clock).compactAfterBytes(10), Kind.INVALID);
        assertKind(() -> EmbeddedStore.builder(dir(), clock).leaseSweepInterval(Duration.ZERO), Kind.INVALID);
        assertKind(() -> EmbeddedStore.builder(null, clock), Kind.INVALID);
        assertKind(() -> EmbeddedStore.builder(dir(), null), Kind.INVALID);
    }
}
