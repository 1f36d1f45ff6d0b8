package dev.podnet.sim;

/**
 * A scale-up: the pods that nodes joining together (or a burst) bring at {@code start}. Done when the last of them
 * has an address or has gone (its node left, or it found the node full).
 */
final class Batch {
    final long start;
    int remaining;
    long doneAt = -1;

    Batch(long start) {
        this.start = start;
    }

    void settle(long now) {
        if (--remaining == 0) {
            doneAt = now;
        }
    }
}
