package dev.podnet.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitJournalTest {

    @TempDir
    Path tmp;

    @Test
    void concurrentCallersAllLandAndShareForces() throws Exception {
        int threads = 64;
        int each = 20;
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        long fsyncs;
        try (Notes n = new Notes(tmp)) {
            long before = n.directory.fsyncs();
            List<Thread> started = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                started.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            n.add(id + "-" + i);
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread t : started) {
                t.join();
            }
            fsyncs = n.directory.fsyncs() - before;
        }
        assertThat(errors).isEmpty();
        assertThat(fsyncs).isLessThan(threads * each);
        try (Notes reopened = new Notes(tmp)) {
            assertThat(reopened.notes).hasSize(threads * each).doesNotHaveDuplicates();
        }
    }

    @Test
    void anInterruptedCallerDoesNotTakeTheJournalAwayFromTheOthers() throws Exception {
        try (Notes n = new Notes(tmp)) {
            Thread.currentThread().interrupt();
            try {
                n.add("while interrupted");
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            }
            n.add("after");
        }
        try (Notes reopened = new Notes(tmp)) {
            assertThat(reopened.notes).containsExactly("while interrupted", "after");
        }
    }

    @Test
    void anAbandonedJournalFailsEveryLaterWaitAndKeepsWhatWasForced() throws IOException {
        Notes n = new Notes(tmp);
        n.add("kept");
        n.journal.abandon();
        assertThatThrownBy(() -> n.add("lost")).isInstanceOf(IOException.class).hasMessageContaining("is closed");
        n.crash();   // abandoning twice is harmless
        try (Notes reopened = new Notes(tmp)) {
            assertThat(reopened.notes).containsExactly("kept");
        }
    }

    @Test
    void sequenceNumbersContinueAcrossACompaction() throws IOException {
        try (Notes n = new Notes(tmp)) {
            n.add("a");
            long seq = n.journal.lastEnqueued();
            n.compact();
            long afterCompaction = n.journal.lastEnqueued();
            assertThat(afterCompaction).isGreaterThanOrEqualTo(seq);
            n.journal.awaitDurable(seq);   // a ticket from the old journal is already durable in the new one
            n.add("b");
            assertThat(n.journal.lastEnqueued()).isEqualTo(afterCompaction + 1);
            assertThat(n.journal.size()).isPositive();
        }
    }
}
