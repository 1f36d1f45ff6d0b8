package dev.podnet.warm;

/**
 * What the node holds from EC2 and how much of it pods use, for metrics and status.
 *
 * @param fragmentation why the last prefix request got single addresses (a fragmented subnet), or empty
 * @param noEniConfig   why the ENI the pool needs is not created (custom networking without a usable ENIConfig), or empty
 */
public record WarmPoolStats(int enis, long prefixes, int held, int inUse, int free, long cloudFailures,
                            String lastFailure, String fragmentation, String noEniConfig) {
}
