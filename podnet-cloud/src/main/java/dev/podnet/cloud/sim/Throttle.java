package dev.podnet.cloud.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** The two token buckets of {@link ThrottleConfig}, refilled from the injected clock. */
final class Throttle {

    private final TokenBucket mutating;
    private final TokenBucket describe;

    Throttle(ThrottleConfig config, InstantSource clock) {
        this.mutating = new TokenBucket(config.mutating(), clock);
        this.describe = new TokenBucket(config.describe(), clock);
    }

    boolean tryAcquire(boolean describeAction) {
        return (describeAction ? describe : mutating).tryAcquire();
    }

    static final class TokenBucket {
        private final ThrottleConfig.Bucket config;
        private final InstantSource clock;
        private double tokens;
        private Instant last;

        TokenBucket(ThrottleConfig.Bucket config, InstantSource clock) {
            this.config = config;
            this.clock = clock;
            this.tokens = config.capacity();
            this.last = clock.instant();
        }

        synchronized boolean tryAcquire() {
            if (config.unlimited()) {
                return true;
            }
            Instant now = clock.instant();
            if (now.isAfter(last)) {
                Duration elapsed = Duration.between(last, now);
                double seconds = elapsed.getSeconds() + elapsed.getNano() / 1e9;
                tokens = Math.min(config.capacity(), tokens + seconds * config.refillPerSecond());
                last = now;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
