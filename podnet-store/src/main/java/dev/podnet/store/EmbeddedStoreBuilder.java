package dev.podnet.store;

import dev.podnet.store.StoreException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/** Options for {@link EmbeddedStore}; each is checked as it is set. */
public final class EmbeddedStoreBuilder {

    final Path dir;
    final InstantSource clock;
    int watchHistory = 10_000;
    long compactAfterBytes = 16L << 20;
    Duration leaseSweepInterval = Duration.ofSeconds(1);

    EmbeddedStoreBuilder(Path dir, InstantSource clock) {
        this.dir = require(dir, "dir");
        this.clock = require(clock, "clock");
    }

    /** How many recent events a watch can replay from a past revision; older revisions are COMPACTED. */
    public EmbeddedStoreBuilder watchHistory(int events) {
        if (events < 1) {
            throw new StoreException(Kind.INVALID, "watchHistory must be at least 1, got " + events);
        }
        this.watchHistory = events;
        return this;
    }

    /** Journal size past which it is compacted into a snapshot (and at least twice the last snapshot). */
    public EmbeddedStoreBuilder compactAfterBytes(long bytes) {
        if (bytes < 4096) {
            throw new StoreException(Kind.INVALID, "compactAfterBytes must be at least 4096, got " + bytes);
        }
        this.compactAfterBytes = bytes;
        return this;
    }

    /** How often expired leases are looked for when no call comes (each call looks too). */
    public EmbeddedStoreBuilder leaseSweepInterval(Duration every) {
        if (every == null || every.toMillis() < 1) {
            throw new StoreException(Kind.INVALID, "leaseSweepInterval must be at least 1 ms, got " + every);
        }
        this.leaseSweepInterval = every;
        return this;
    }

    public EmbeddedStore open() {
        return new EmbeddedStore(this);
    }

    private static <T> T require(T value, String name) {
        if (value == null) {
            throw new StoreException(Kind.INVALID, name + " must not be null");
        }
        return value;
    }
}
