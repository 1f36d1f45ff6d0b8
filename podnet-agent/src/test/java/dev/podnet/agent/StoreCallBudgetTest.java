package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.sim.CallBudget;
import dev.podnet.store.EmbeddedStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCallBudgetTest {
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    EmbeddedStore store;

    @BeforeEach
    void open() {
        store = EmbeddedStore.open(dir, FIXED);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private CallBudget budget(double perSecond, double burst) {
        return StoreCallBudget.in(store).create(perSecond, burst);
    }

    @Test
    void twoNodesDrawOnOneBucket() {
        CallBudget a = budget(2, 3);
        CallBudget b = budget(2, 3);
        long now = FIXED.millis();
        List<Long> times = new ArrayList<>();
        for (CallBudget node : List.of(a, b, a, b, a)) {
            times.add(node.reserve(now) - now);
        }
        assertThat(times).containsExactly(0L, 0L, 0L, 500L, 1000L);
        assertThat(store.get(StoreCallBudget.KEY)).isPresent();
    }

    @Test
    void racingReservationsLoseNone() throws Exception {
        long now = FIXED.millis();
        ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(10);
        try {
            List<Future<?>> done = IntStream.range(0, 10).mapToObj(t -> threads.submit(() -> {
                CallBudget node = budget(2, 3);
                for (int i = 0; i < 20; i++) {
                    times.add(node.reserve(now) - now);
                }
            })).<Future<?>>map(f -> f).toList();
            for (Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        CallBudget alone = CallBudget.tokenBucket(2, 3);
        List<Long> expected = IntStream.range(0, 200).mapToObj(i -> alone.reserve(0)).toList();
        assertThat(times.stream().sorted().toList()).isEqualTo(expected);
        assertThat(expected.getLast()).isEqualTo((200 - 3) * 500L);
    }

    @Test
    void aValueThatIsNoBucketIsReplacedByAFullOne() {
        store.put(StoreCallBudget.KEY, "garbage".getBytes(), 0);
        assertThat(budget(2, 1).reserve(FIXED.millis())).isEqualTo(FIXED.millis());
        assertThat(budget(2, 1).reserve(FIXED.millis())).isEqualTo(FIXED.millis() + 500);
    }

    @Test
    void withoutTheStoreTheCallGoesAtOnce() {
        CallBudget budget = budget(2, 1);
        store.close();
        long now = FIXED.millis();
        assertThat(List.of(budget.reserve(now), budget.reserve(now))).containsExactly(now, now);
    }
}
