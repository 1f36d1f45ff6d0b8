package dev.podnet.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AttemptsTest {
    final List<Duration> pauses = new ArrayList<>();
    final Attempts attempts = new Attempts(16, Duration.ofMillis(2), new Random(1), pauses::add);

    @Test
    void aContendedChangeIsGivenUpAfterTheLastAttemptWithAClearConflict() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> attempts.run("changing block /x", () -> {
            calls.incrementAndGet();
            throw StoreException.conflict("revision moved");
        })).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT);
            assertThat(e.getMessage()).contains("changing block /x").contains("gave up after 16");
        });
        assertThat(calls).hasValue(16);
        assertThat(pauses).hasSize(15).allSatisfy(p -> assertThat(p).isLessThanOrEqualTo(Duration.ofMillis(250)));
    }

    @Test
    void otherFailuresPassAtOnceAndAWinStopsRetrying() {
        assertThatThrownBy(() -> attempts.run("x", () -> {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "down", null);
        })).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind())
                .isEqualTo(StoreException.Kind.UNAVAILABLE));
        AtomicInteger calls = new AtomicInteger();
        assertThat(attempts.run("x", () -> {
            if (calls.incrementAndGet() < 3) {
                throw StoreException.conflict("lost");
            }
            return "won";
        })).isEqualTo("won");
        assertThat(pauses).hasSize(2);
    }
}
