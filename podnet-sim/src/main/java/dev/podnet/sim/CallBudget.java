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
    private double nextFree;

    CallBudget(double perSecond, double capacity) {
        this.perMilli = perSecond / 1000.0;
        this.capacity = Math.max(1, capacity);
        this.stored = this.capacity;
    }

    /** Reserves one call; returns the time (ms) it may go, {@code now} or later. */
    long reserve(long now) {
        if (now > nextFree) {
            stored = Math.min(capacity, stored + (now - nextFree) * perMilli);
            nextFree = now;
        }
        double at = nextFree;
        double fromStore = Math.min(1, stored);
        stored -= fromStore;
        nextFree += (1 - fromStore) / perMilli;
        return (long) Math.ceil(at);
    }
}
