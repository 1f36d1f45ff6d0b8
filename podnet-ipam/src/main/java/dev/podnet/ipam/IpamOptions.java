package dev.podnet.ipam;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Tunables of the engine. Immutable; built with {@link #builder()}, which validates each value as it is set.
 *
 * @param quarantine          how long a released address rests before reuse, so late packets for the old pod
 *                            never reach a new one (default 30 s; zero disables)
 * @param compactAfterBytes   journal size that triggers a compaction in the background (default 8 MiB)
 * @param compactionExecutor  where background compactions run (default: a new virtual thread each); tests pass
 *                            {@code Runnable::run} to compact on the calling thread
 */
public record IpamOptions(Duration quarantine, long compactAfterBytes, Executor compactionExecutor) {

    public static final Duration DEFAULT_QUARANTINE = Duration.ofSeconds(30);
    public static final long DEFAULT_COMPACT_AFTER_BYTES = 8L << 20;

    public IpamOptions {
        Objects.requireNonNull(quarantine, "quarantine");
        Objects.requireNonNull(compactionExecutor, "compactionExecutor");
        if (quarantine.isNegative()) {
            throw IpamException.invalid("quarantine must not be negative, got " + quarantine);
        }
        if (compactAfterBytes < 1024) {
            throw IpamException.invalid("compactAfterBytes must be at least 1024, got " + compactAfterBytes);
        }
    }

    public static IpamOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Duration quarantine = DEFAULT_QUARANTINE;
        private long compactAfterBytes = DEFAULT_COMPACT_AFTER_BYTES;
        private Executor compactionExecutor = task -> Thread.ofVirtual().name("podnet-ipam-compaction").start(task);

        private Builder() {
        }

        public Builder quarantine(Duration value) {
            if (value == null || value.isNegative()) {
                throw IpamException.invalid("quarantine must be zero or more, got " + value);
            }
            quarantine = value;
            return this;
        }

        public Builder compactAfterBytes(long value) {
            if (value < 1024) {
                throw IpamException.invalid("compactAfterBytes must be at least 1024, got " + value);
            }
            compactAfterBytes = value;
            return this;
        }

        public Builder compactionExecutor(Executor value) {
            compactionExecutor = Objects.requireNonNull(value, "compactionExecutor");
            return this;
        }

        public IpamOptions build() {
            return new IpamOptions(quarantine, compactAfterBytes, compactionExecutor);
        }
    }
}
