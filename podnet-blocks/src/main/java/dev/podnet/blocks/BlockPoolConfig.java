package dev.podnet.blocks;

import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Pool;
import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One cluster-wide pool cut into aligned blocks. Immutable; built with {@link #builder}, which validates each value as
 * it is set (as jetcd's option builders do).
 *
 * @param pool         the pool's name: the engine pool and the store key ({@code /podnet/pools/<pool>/blocks/})
 * @param cidr         the whole pool, IPv4; every node of the cluster must configure the same one
 * @param blockLength  prefix length of a block, 20 to 30 (default 26: 64 addresses, as Calico)
 * @param chunk        how many addresses a node reserves in one compare-and-swap, a power of two no larger than a block
 *                     (default 8, or the block size if smaller); chunks are aligned inside the block
 * @param warmMargin   free reserved addresses a node keeps on hand beyond its pods (default: one chunk); more than
 *                     that plus a chunk and the node gives whole free chunks back
 * @param maxAttempts  compare-and-swap attempts before a change is given up as contended (default 16)
 * @param backoff      base of the jittered exponential backoff between attempts (default 2 ms)
 * @param nodeTtl      lease TTL of the node's liveness record (default 30 s)
 * @param ranges       the addresses the pool hands out, inside {@code cidr} (default: all of it, host-local's reserved
 *                     addresses apart); an IPPool's {@code ips} less its {@code excludeIPs}
 * @param reclaimGrace how long a node must have been seen without a record before its blocks are reclaimed (default
 *                     1 min): an agent restart longer than the TTL must not hand its running pods' addresses to others
 */
public record BlockPoolConfig(String pool, Cidr cidr, int blockLength, int chunk, int warmMargin, int maxAttempts,
                              Duration backoff, Duration nodeTtl, Duration reclaimGrace, List<IpRange> ranges) {

    public static final int DEFAULT_BLOCK_LENGTH = 26;
    public static final int MIN_BLOCK_LENGTH = 20;
    public static final int MAX_BLOCK_LENGTH = 30;

    public BlockPoolConfig {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(cidr, "cidr");
        ranges = ranges.isEmpty() ? List.of(IpRange.builder(cidr).build()) : List.copyOf(ranges);
        for (IpRange r : ranges) {
            if (!cidr.contains(r.subnet())) {
                throw new InvalidInputException("cluster pool " + pool + ": range " + r + " is outside " + cidr);
            }
        }
        Pool.of(pool, ranges.toArray(IpRange[]::new)); // validates the name and the ranges as the engine will
        if (!cidr.isIpv4()) {
            throw new InvalidInputException("cluster pool " + pool + ": " + cidr + " is not IPv4; blocks are IPv4 only");
        }
        if (blockLength < MIN_BLOCK_LENGTH || blockLength > MAX_BLOCK_LENGTH) {
            throw new InvalidInputException("cluster pool " + pool + ": block size /" + blockLength
                    + " is outside /" + MIN_BLOCK_LENGTH + " to /" + MAX_BLOCK_LENGTH);
        }
        if (blockLength < cidr.prefixLength()) {
            throw new InvalidInputException("cluster pool " + pool + ": block size /" + blockLength
                    + " is larger than the pool " + cidr);
        }
        int size = 1 << (32 - blockLength);
        if (chunk < 1 || chunk > size || Integer.bitCount(chunk) != 1) {
            throw new InvalidInputException("cluster pool " + pool + ": chunk " + chunk
                    + " must be a power of two from 1 to the block size " + size);
        }
        if (warmMargin < 0) {
            throw new InvalidInputException("cluster pool " + pool + ": warm margin must not be negative");
        }
        if (maxAttempts < 1) {
            throw new InvalidInputException("cluster pool " + pool + ": at least one attempt is needed");
        }
        requireNotNegative("backoff", backoff);
        requireNotNegative("reclaim grace", reclaimGrace);
        if (nodeTtl.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new InvalidInputException("cluster pool " + pool + ": node TTL must be at least 3 s, got " + nodeTtl);
        }
    }

    private static void requireNotNegative(String what, Duration d) {
        if (d == null || d.isNegative()) {
            throw new InvalidInputException(what + " must be zero or more, got " + d);
        }
    }

    /** Addresses per block. */
    public int blockSize() {
        return 1 << (32 - blockLength);
    }

    /** Blocks in the pool. */
    public int blockCount() {
        return 1 << (blockLength - cidr.prefixLength());
    }

    /** What the node's IPAM engine must serve for this pool: its ranges. */
    public Pool enginePool() {
        return Pool.of(pool, ranges.toArray(IpRange[]::new));
    }

    public static Builder builder(String pool, String cidr) {
        return new Builder(pool, Cidr.parse(cidr));
    }

    /** {@code NAME=CIDR}, the agent's {@code --cluster-pool}. */
    public static Builder parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq < 1 || eq == spec.length() - 1) {
            throw new InvalidInputException("--cluster-pool \"" + spec
                    + "\" is not NAME=CIDR, e.g. cluster=10.244.0.0/16");
        }
        return builder(spec.substring(0, eq), spec.substring(eq + 1).strip());
    }

    public static final class Builder {
        private final String pool;
        private final Cidr cidr;
        private int blockLength = DEFAULT_BLOCK_LENGTH;
        private Integer chunk;
        private Integer warmMargin;
        private int maxAttempts = 16;
        private Duration backoff = Duration.ofMillis(2);
        private Duration nodeTtl = Duration.ofSeconds(30);
        private Duration reclaimGrace = Duration.ofMinutes(1);
        private List<IpRange> ranges = List.of();

        private Builder(String pool, Cidr cidr) {
            this.pool = pool;
            this.cidr = cidr;
        }

        public Builder blockLength(int value) {
            if (value < MIN_BLOCK_LENGTH || value > MAX_BLOCK_LENGTH) {
                throw new InvalidInputException("block size /" + value + " is outside /" + MIN_BLOCK_LENGTH + " to /"
                        + MAX_BLOCK_LENGTH);
            }
            blockLength = value;
            return this;
        }

        public Builder chunk(int value) {
            if (value < 1 || Integer.bitCount(value) != 1) {
                throw new InvalidInputException("chunk must be a power of two, got " + value);
            }
            chunk = value;
            return this;
        }

        public Builder warmMargin(int value) {
            if (value < 0) {
                throw new InvalidInputException("warm margin must be zero or more, got " + value);
            }
            warmMargin = value;
            return this;
        }

        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new InvalidInputException("attempts must be at least 1, got " + value);
            }
            maxAttempts = value;
            return this;
        }

        public Builder backoff(Duration value) {
            requireNotNegative("backoff", value);
            backoff = value;
            return this;
        }

        public Builder nodeTtl(Duration value) {
            if (value == null || value.compareTo(Duration.ofSeconds(3)) < 0) {
                throw new InvalidInputException("node TTL must be at least 3 s, got " + value);
            }
            nodeTtl = value;
            return this;
        }

        public Builder reclaimGrace(Duration value) {
            requireNotNegative("reclaim grace", value);
            reclaimGrace = value;
            return this;
        }

        /** Hand out only these addresses of the CIDR (checked by {@link #build()}). */
        public Builder ranges(List<IpRange> value) {
            ranges = List.copyOf(value);
            return this;
        }

        public BlockPoolConfig build() {
            int c = chunk != null ? chunk : Math.min(8, 1 << (32 - blockLength));
            return new BlockPoolConfig(pool, cidr, blockLength, c, warmMargin != null ? warmMargin : c, maxAttempts,
                    backoff, nodeTtl, reclaimGrace, ranges);
        }
    }
}
