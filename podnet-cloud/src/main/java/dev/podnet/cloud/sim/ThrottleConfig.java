package dev.podnet.cloud.sim;

import java.util.Objects;

/**
 * EC2's request throttling: one token bucket for mutating actions and one for Describe* actions. A call takes a
 * token; an empty bucket answers RequestLimitExceeded; tokens come back at {@code refillPerSecond} up to
 * {@code capacity}.
 */
public record ThrottleConfig(Bucket mutating, Bucket describe) {

    /** A bucket's size and refill rate; an infinite refill rate means no limit. */
    public record Bucket(int capacity, double refillPerSecond) {
        public Bucket {
            if (capacity < 1) {
                throw new IllegalArgumentException("a throttle bucket needs a capacity of at least 1, got " + capacity);
            }
            if (Double.isNaN(refillPerSecond) || refillPerSecond < 0) {
                throw new IllegalArgumentException("a throttle bucket's refill rate must be >= 0, got " + refillPerSecond);
            }
        }

        public static final Bucket UNLIMITED = new Bucket(Integer.MAX_VALUE, Double.POSITIVE_INFINITY);

        public boolean unlimited() {
            return Double.isInfinite(refillPerSecond);
        }
    }

    /** The numbers EC2 documents for its account-level buckets (mutating 50 + 5/s, describe 100 + 20/s). */
    public static final ThrottleConfig EC2_DEFAULT = new ThrottleConfig(new Bucket(50, 5), new Bucket(100, 20));

    /** No throttling at all. */
    public static final ThrottleConfig UNLIMITED = new ThrottleConfig(Bucket.UNLIMITED, Bucket.UNLIMITED);

    public ThrottleConfig {
        Objects.requireNonNull(mutating, "mutating");
        Objects.requireNonNull(describe, "describe");
    }
}
