package dev.podnet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every policy must see the same pods: looking ahead (the oracle) draws nothing another policy's node would not. */
class PodSourceTest {
    private static PodSource source() {
        return new PodSource(42, 20, new Scenario.Lifetime.Exponential(Duration.ofHours(1)), Optional.empty(), 0,
                List.of(new long[] {600_000, 3}));
    }

    /** The node joins with 10 pods, then its arrivals come one by one; {@code lookAhead} ms are read first. */
    private static List<Long> pods(long lookAhead) {
        PodSource pods = source();
        List<Long> seen = new ArrayList<>();
        if (lookAhead > 0) {
            seen.add((long) pods.within(0, lookAhead).size());
        }
        for (int i = 0; i < 10; i++) {
            seen.add(pods.initialLifetime());
        }
        for (int i = 0; i < 30; i++) {
            PodSource.Arrival a = pods.take();
            seen.add(a.at());
            seen.add(a.lifetime());
        }
        return lookAhead > 0 ? seen.subList(1, seen.size()) : seen;
    }

    @Test
    void lookingAheadChangesNeitherTheJoiningPodsNorTheArrivals() {
        assertThat(pods(2 * 3_600_000)).isEqualTo(pods(0)).hasSize(70);
    }
}
