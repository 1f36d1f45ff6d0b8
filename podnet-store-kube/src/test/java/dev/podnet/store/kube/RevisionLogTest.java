package dev.podnet.store.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevisionLogTest {

    private static Change put(long revision, int bytes) {
        return new Change(revision, List.of(new Change.Op("/k", false, new byte[bytes], revision, 1, 0)), 0);
    }

    @Test
    void theLogKeepsTheRecentChangesAndSaysWhereItsHistoryStarts() {
        StoreLog.Spec spec = new StoreLog.Spec(0, 0, List.of());
        for (long r = 1; r <= RevisionLog.MAX_CHANGES + 5; r++) {
            spec = RevisionLog.appended(spec, put(r, 1));
        }
        assertThat(spec.revision()).isEqualTo(RevisionLog.MAX_CHANGES + 5);
        assertThat(spec.changes()).hasSize(RevisionLog.MAX_CHANGES);
        assertThat(spec.compacted()).isEqualTo(5);
        assertThat(spec.changes().getFirst().revision()).isEqualTo(spec.compacted() + 1);
    }

    @Test
    void heavyChangesPushOutOlderOnesButTheNewestStays() {
        StoreLog.Spec spec = RevisionLog.appended(new StoreLog.Spec(0, 0, List.of()), put(1, 1000));
        spec = RevisionLog.appended(spec, put(2, (int) RevisionLog.MAX_WEIGHT / 2));
        assertThat(spec.changes()).extracting(Change::revision).containsExactly(1L, 2L);
        spec = RevisionLog.appended(spec, put(3, 1 << 20));
        assertThat(spec.changes()).extracting(Change::revision).containsExactly(3L);
        assertThat(spec.compacted()).isEqualTo(2);
    }

    @Test
    void endingALeaseWithoutKeysKeepsTheRevision() {
        StoreLog.Spec spec = RevisionLog.appended(new StoreLog.Spec(0, 0, List.of()), put(1, 1));
        spec = RevisionLog.appended(spec, new Change(1, new ArrayList<>(), 77));
        assertThat(spec.revision()).isEqualTo(1);
        assertThat(spec.changes()).extracting(Change::endsLease).containsExactly(0L, 77L);
    }
}
