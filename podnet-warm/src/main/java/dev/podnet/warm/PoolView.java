package dev.podnet.warm;

import dev.podnet.ipam.warm.NodeLimits;

/**
 * What a {@link WarmTargets} policy sees of the pool when it sets targets.
 *
 * @param inUse   pod addresses held by pods
 * @param free    pod addresses assigned by EC2 that the pool may hand out now
 * @param pending ADDs that found no free address and have neither been served since nor deleted
 */
public record PoolView(int inUse, int free, int pending, NodeLimits limits) {
}
