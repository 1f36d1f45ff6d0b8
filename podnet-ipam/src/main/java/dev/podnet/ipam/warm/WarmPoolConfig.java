package dev.podnet.ipam.warm;

import dev.podnet.net.InvalidInputException;

/**
 * The warm-pool settings, named and defaulted as the AWS VPC CNI names and defaults them.
 * Immutable; built with {@link #builder()}, which validates each value as it is set.
 *
 * @param prefixMode       ENABLE_PREFIX_DELEGATION: slots are /28 prefixes (16 addresses) instead of single addresses
 * @param warmEniTarget    WARM_ENI_TARGET (default 1): keep this many ENIs' worth of free addresses
 * @param warmIpTarget     WARM_IP_TARGET (0 = unset): keep this many free addresses; overrides the ENI and prefix targets
 * @param minimumIpTarget  MINIMUM_IP_TARGET (0 = unset): hold at least this many addresses in total
 * @param warmPrefixTarget WARM_PREFIX_TARGET (default 1): in prefix mode, keep this many whole free prefixes
 * @param maxEni           MAX_ENI (0 = the instance type's limit)
 * @param customNetworking AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: the primary ENI hosts no pods
 */
public record WarmPoolConfig(boolean prefixMode, int warmEniTarget, int warmIpTarget, int minimumIpTarget,
                             int warmPrefixTarget, int maxEni, boolean customNetworking) {

    public static final int ADDRESSES_PER_PREFIX = 16;

    public WarmPoolConfig {
        requireNonNegative("WARM_ENI_TARGET", warmEniTarget);
        requireNonNegative("WARM_IP_TARGET", warmIpTarget);
        requireNonNegative("MINIMUM_IP_TARGET", minimumIpTarget);
        requireNonNegative("WARM_PREFIX_TARGET", warmPrefixTarget);
        requireNonNegative("MAX_ENI", maxEni);
    }

    public static WarmPoolConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** As in the VPC CNI: either IP target being set switches the pool to counting addresses. */
    public boolean ipTargetsDefined() {
        return warmIpTarget > 0 || minimumIpTarget > 0;
    }

    /** Addresses one slot gives: a secondary address, or a /28 prefix. */
    public int addressesPerSlot() {
        return prefixMode ? ADDRESSES_PER_PREFIX : 1;
    }

    private static void requireNonNegative(String name, int value) {
        if (value < 0) {
            throw new InvalidInputException(name + " must be 0 or more, got " + value);
        }
    }

    public static final class Builder {
        private boolean prefixMode;
        private int warmEniTarget = 1;
        private int warmIpTarget;
        private int minimumIpTarget;
        private int warmPrefixTarget = 1;
        private int maxEni;
        private boolean customNetworking;

        public Builder prefixMode(boolean value) {
            prefixMode = value;
            return this;
        }

        public Builder warmEniTarget(int value) {
            requireNonNegative("WARM_ENI_TARGET", value);
            warmEniTarget = value;
            return this;
        }

        public Builder warmIpTarget(int value) {
            requireNonNegative("WARM_IP_TARGET", value);
            warmIpTarget = value;
            return this;
        }

        public Builder minimumIpTarget(int value) {
            requireNonNegative("MINIMUM_IP_TARGET", value);
            minimumIpTarget = value;
            return this;
        }

        public Builder warmPrefixTarget(int value) {
            requireNonNegative("WARM_PREFIX_TARGET", value);
            warmPrefixTarget = value;
            return this;
        }

        public Builder maxEni(int value) {
            requireNonNegative("MAX_ENI", value);
            maxEni = value;
            return this;
        }

        public Builder customNetworking(boolean value) {
            customNetworking = value;
            return this;
        }

        public WarmPoolConfig build() {
            return new WarmPoolConfig(prefixMode, warmEniTarget, warmIpTarget, minimumIpTarget, warmPrefixTarget,
                    maxEni, customNetworking);
        }
    }
}
