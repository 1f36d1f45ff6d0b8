package dev.podnet.blocks;

/**
 * A node's share of a cluster pool, for metrics and status.
 *
 * @param blocks        blocks with this node's affinity
 * @param borrowing     other nodes' blocks this node holds addresses in
 * @param reserved      addresses reserved by this node (its holder bits)
 * @param inUse         of those, held by pods
 * @param free          of those, ready to hand out
 * @param quarantined   of those, released less than the quarantine ago
 * @param borrowedTotal addresses borrowed from other nodes' blocks since start
 */
public record BlockPoolStats(int blocks, int borrowing, int reserved, int inUse, int free, int quarantined,
                             long borrowedTotal, long storeFailures, String lastFailure) {
}
