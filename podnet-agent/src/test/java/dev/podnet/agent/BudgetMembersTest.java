package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.store.EmbeddedStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BudgetMembersTest {
    @TempDir
    Path dir;

    @Test
    void countsTheNodesOnTheBudgetRecountingAtMostEvery30Seconds() throws InterruptedException {
        VirtualClock clock = new VirtualClock();
        try (EmbeddedStore store = EmbeddedStore.open(dir, clock);
             BudgetMembers a = BudgetMembers.join(store, "i-0000000000000000a", clock)) {
            BudgetMembers b = BudgetMembers.join(store, "i-0000000000000000b", clock);
            awaitMembers(store, 2);
            assertThat(a.count()).isEqualTo(2);
            b.close();
            assertThat(store.range(BudgetMembers.PREFIX).kvs()).hasSize(1);
            assertThat(a.count()).as("until the recount").isEqualTo(2);
            clock.advance(BudgetMembers.RECOUNT);
            assertThat(a.count()).isEqualTo(1);
        }
    }

    /** The members register on their loops' first pass. */
    private static void awaitMembers(EmbeddedStore store, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.range(BudgetMembers.PREFIX).kvs().size() < n) {
            assertThat(System.nanoTime()).as("%d members registered in time", n).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
