package dev.podnet.sim;

/**
 * The cluster's EC2 call budget: a token bucket that hands out reservations instead of refusals (as Guava's
 * RateLimiter does): a caller learns when its call may go and waits until then, so calls queue in order and none is
 * ever refused. Kept below EC2's own bucket, it keeps the account out of RequestLimitExceeded. The simulator shares
 * one {@link TokenBucket} between its nodes; the agent shares one through the cluster store.
 */
public interface CallBudget {

    /** Reserves one call; returns the time (ms) it may go, {@code now} or later. */
    long reserve(long now);

    /** How long (ms) a call reserved now would wait for the calls queued before it; reserves nothing. */
    long backlog(long now);

    /** A bucket of {@code capacity} calls refilled at {@code perSecond}, full at first; not thread-safe. */
    static CallBudget tokenBucket(double perSecond, double capacity) {
        return new TokenBucket(perSecond / 1000.0, Math.max(1, capacity));
    }

    /** The bucket's state: {@code stored} tokens at time {@code last} (ms), which runs ahead of now while calls queue. */
    record Bucket(double stored, double last) {

        /** The bucket after one reservation at {@code now}; the reservation's time is {@code ceil(last)}. */
        public Bucket reserve(long now, double perMilli, double capacity) {
            double s = stored;
            double l = last;
            if (now > l) {
                s = Math.min(capacity, s + (now - l) * perMilli);
                l = now;
            }
            if (s >= 1) {
                return new Bucket(s - 1, l);
            }
            return new Bucket(0, l + (1 - s) / perMilli);
        }

        public long goesAt() {
            return (long) Math.ceil(last);
        }
    }

    /** The in-memory bucket the simulator's nodes share. */
    final class TokenBucket implements CallBudget {
        private final double perMilli;
        private final double capacity;
        private Bucket bucket;

        TokenBucket(double perMilli, double capacity) {
            this.perMilli = perMilli;
            this.capacity = capacity;
            this.bucket = new Bucket(capacity, 0);
        }

        @Override
        public long reserve(long now) {
            bucket = bucket.reserve(now, perMilli, capacity);
            return bucket.goesAt();
        }

        @Override
        public long backlog(long now) {
            return bucket.reserve(now, perMilli, capacity).goesAt() - now;
        }
    }
}
