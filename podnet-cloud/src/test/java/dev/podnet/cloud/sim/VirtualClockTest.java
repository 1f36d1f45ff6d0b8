package dev.podnet.cloud.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VirtualClockTest {

    @Test
    void movesOnlyWhenAdvancedOrSleptOn() {
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        clock.advance(Duration.ofSeconds(3));
        clock.sleep(Duration.ofMillis(250));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:00:03.250Z"));
        assertThat(clock.millis()).isEqualTo(Instant.parse("2030-01-01T00:00:03.250Z").toEpochMilli());
    }

    @Test
    void neverGoesBack() {
        VirtualClock clock = new VirtualClock();
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        clock.sleep(Duration.ofSeconds(-1));
        assertThat(clock.instant()).isEqualTo(VirtualClock.DEFAULT_START);
    }

    @Test
    void throttleBucketsRefillFromTheClockUpToCapacity() {
        VirtualClock clock = new VirtualClock();
        Throttle throttle = new Throttle(new ThrottleConfig(new ThrottleConfig.Bucket(2, 4), ThrottleConfig.Bucket.UNLIMITED), clock);
        assertThat(throttle.tryAcquire(false)).isTrue();
        assertThat(throttle.tryAcquire(false)).isTrue();
        assertThat(throttle.tryAcquire(false)).isFalse();
        clock.advance(Duration.ofMillis(250));
        assertThat(throttle.tryAcquire(false)).isTrue();
        assertThat(throttle.tryAcquire(false)).isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(throttle.tryAcquire(false)).isTrue();
        assertThat(throttle.tryAcquire(false)).isTrue();
        assertThat(throttle.tryAcquire(false)).isFalse();
        for (int i = 0; i < 1000; i++) {
            assertThat(throttle.tryAcquire(true)).isTrue();
        }
    }
}
