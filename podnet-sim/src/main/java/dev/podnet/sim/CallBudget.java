package dev.podnet.sim;

/**
 * A cluster-wide token bucket for EC2 calls that hands out reservations instead of refusals (as Guava's RateLimiter
 * does): a caller learns when its call may go and waits until then, so calls queue in order and none is ever
 * refused. Kept below EC2's own bucket, it keeps the account out of RequestLimitExceeded.
 */
final class CallBudget {
    private final double perMilli;
    private final double capacity;
    private double stored;
    /** The time the latest reservation goes; later than now while calls queue. */
    private double last;

    CallBudget(double perSecond, double capacity) {
        this.perMilli = perSecond / 1000.0;
        this.capacity = Math.max(1, capacity);
        this.stored = this.capacity;
    }

    /** Reserves one call; returns the time (ms) it may go, {@code now} or later, when a whole token is there. */
    long reserve(long now) {
        if (now > last) {
            stored = Math.min(capacity, stored + (now - last) * perMilli);
            last = now;
        }
        if (stored >= 1) {
            stored -= 1;
            return (long) Math.ceil(last);
        }
        last += (1 - stored) / perMilli;
        stored = 0;
        return (long) Math.ceil(last);
    }
}
