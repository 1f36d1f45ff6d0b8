package dev.podnet.ipam.warm;

import java.util.List;

/**
 * Decides the next cloud call that keeps a node's pool at its warm targets: a pure function of the
 * configuration, the node's limits and the pool's state, so that the node agent, the subnet calculator
 * and the simulator all run the same arithmetic.
 *
 * <p>The arithmetic is the AWS VPC CNI's (ipamd), so that a VPC CNI user's settings mean the same here:
 * <ul>
 *   <li>Pool too low, no IP targets: {@code free < WARM_ENI_TARGET x slotsPerEni}, or in prefix mode
 *       {@code free < WARM_PREFIX_TARGET x 16}; a target of 0 still refills an empty pool.</li>
 *   <li>With WARM_IP_TARGET or MINIMUM_IP_TARGET: {@code short = max(WARM_IP_TARGET - free, MINIMUM_IP_TARGET - total, 0)},
 *       {@code over = max(min(free - WARM_IP_TARGET, total - MINIMUM_IP_TARGET), 0)}; in prefix mode both are
 *       rounded to whole prefixes.</li>
 *   <li>The pool never grows once it holds max-pods addresses.</li>
 *   <li>Growing first fills existing ENIs (the primary ENI too, unless custom networking keeps pods off it),
 *       then attaches a new ENI: a whole ENI of addresses without IP targets, just the shortfall with them,
 *       and in prefix mode the prefixes needed (at least one).</li>
 * </ul>
 * Shrinking: an ENI without pods is detached when the pool stays above its targets without it; with IP targets,
 * unused addresses beyond {@code over} are unassigned; in prefix mode, whole free prefixes beyond WARM_PREFIX_TARGET.
 */
public final class WarmPoolPlanner {
    private final WarmPoolConfig config;
    private final NodeLimits limits;

    public WarmPoolPlanner(WarmPoolConfig config, NodeLimits limits) {
        this.config = config;
        this.limits = limits;
    }

    public PoolDecision plan(List<EniState> enis) {
        PoolStats stats = PoolStats.of(enis, config);
        if (isTooLow(stats)) {
            return grow(enis, stats);
        }
        EniState idle = detachableEni(enis, stats);
        if (idle != null) {
            return PoolDecision.act(new PoolAction.DetachEni(idle.id()), stats,
                    "ENI " + idle.id() + " holds no pod and the pool stays at its targets without it");
        }
        PoolDecision back = returnToPrefixes(enis, stats);
        if (back != null) {
            return back;
        }
        int excess = excessSlots(stats);
        if (excess > 0) {
            return release(enis, stats, excess);
        }
        return PoolDecision.steady(stats, "at target");
    }

    /** Slots (addresses or prefixes) the pool is short of; 0 when only ENI or prefix targets apply. */
    int shortSlots(PoolStats stats) {
        if (!config.ipTargetsDefined()) {
            return 0;
        }
        int shortAddresses = Math.max(Math.max(config.warmIpTarget() - stats.available(),
                config.minimumIpTarget() - stats.total()), 0);
        return config.prefixMode() ? ceilDiv(shortAddresses, WarmPoolConfig.ADDRESSES_PER_PREFIX) : shortAddresses;
    }

    boolean isTooLow(PoolStats stats) {
        if (stats.total() >= limits.maxPods()) {
            return false;
        }
        if (config.ipTargetsDefined()) {
            return shortSlots(stats) > 0;
        }
        int target = config.prefixMode() ? config.warmPrefixTarget() : config.warmEniTarget();
        int unit = config.prefixMode() ? WarmPoolConfig.ADDRESSES_PER_PREFIX : limits.slotsPerEni();
        return stats.available() < target * unit || (target == 0 && stats.available() == 0);
    }

    private PoolDecision grow(List<EniState> enis, PoolStats stats) {
        int wanted = slotsWanted(stats);
        for (EniState eni : enis) {
            if (allocatable(eni) && eni.slots() < limits.slotsPerEni()) {
                int count = Math.min(limits.slotsPerEni() - eni.slots(), wanted);
                return PoolDecision.act(new PoolAction.AssignSlots(eni.id(), count), stats, lowReason(stats));
            }
        }
        if (enis.size() < limits.maxEnis() && limits.slotsPerEni() > 0) {
            int count = Math.min(wanted, limits.slotsPerEni());
            return PoolDecision.act(new PoolAction.AttachEni(count), stats, lowReason(stats));
        }
        return PoolDecision.steady(stats, lowReason(stats) + ", but every ENI is full and the node has "
                + limits.maxEnis() + " of " + limits.maxEnis() + " ENIs attached");
    }

    private int slotsWanted(PoolStats stats) {
        if (config.prefixMode()) {
            int shortPrefixes = config.ipTargetsDefined() ? shortSlots(stats)
                    : Math.max(config.warmPrefixTarget() - stats.freePrefixes(), 0);
            return Math.max(1, shortPrefixes);
        }
        return config.ipTargetsDefined() ? shortSlots(stats) : limits.slotsPerEni();
    }

    private boolean allocatable(EniState eni) {
        return !(eni.primary() && config.customNetworking());
    }

    private String lowReason(PoolStats stats) {
        if (config.ipTargetsDefined()) {
            return "pool low: " + stats.available() + " free of " + stats.total() + " (WARM_IP_TARGET="
                    + config.warmIpTarget() + ", MINIMUM_IP_TARGET=" + config.minimumIpTarget() + ")";
        }
        return config.prefixMode()
                ? "pool low: " + stats.available() + " free < WARM_PREFIX_TARGET=" + config.warmPrefixTarget() + " x 16"
                : "pool low: " + stats.available() + " free < WARM_ENI_TARGET=" + config.warmEniTarget() + " x "
                        + limits.slotsPerEni();
    }

    /** The last ENI (never the primary) that holds no pod and whose removal leaves the pool above its targets. */
    private EniState detachableEni(List<EniState> enis, PoolStats stats) {
        for (int i = enis.size() - 1; i >= 0; i--) {
            EniState eni = enis.get(i);
            if (eni.primary() || eni.used() > 0) {
                continue;
            }
            int addresses = eni.addresses(config.addressesPerSlot());
            PoolStats without = new PoolStats(stats.total() - addresses, stats.used(),
                    stats.freePrefixes() - eni.freeFullSlots(config.addressesPerSlot()), stats.enis() - 1);
            if (!isTooLow(without) && excessAfterRemoval(without)) {
                return eni;
            }
        }
        return null;
    }

    /**
     * Prefix mode: unused single addresses (taken when a fragmented subnet had no free /28) go back as soon as the
     * pool stays at its targets without them, so a node returns to prefixes once blocks are free again.
     */
    private PoolDecision returnToPrefixes(List<EniState> enis, PoolStats stats) {
        if (!config.prefixMode()) {
            return null;
        }
        for (int i = enis.size() - 1; i >= 0; i--) {
            EniState eni = enis.get(i);
            int singles = eni.freeSmallSlots(WarmPoolConfig.ADDRESSES_PER_PREFIX);
            PoolStats without = new PoolStats(stats.total() - singles, stats.used(), stats.freePrefixes(), stats.enis());
            if (singles > 0 && !isTooLow(without) && excessAfterRemoval(without)) {
                return PoolDecision.act(new PoolAction.ReleaseSlots(eni.id(), singles), stats, singles
                        + " unused single addresses on " + eni.id() + " are not needed now that prefixes cover the target");
            }
        }
        return null;
    }

    /** With IP targets the removal must not take the pool below them either (isTooLow already checks it). */
    private boolean excessAfterRemoval(PoolStats without) {
        return !config.ipTargetsDefined() || shortSlots(without) == 0;
    }

    /** Free slots beyond what the targets ask to keep. WARM_ENI_TARGET alone never frees single addresses. */
    int excessSlots(PoolStats stats) {
        if (config.ipTargetsDefined()) {
            int overAddresses = Math.max(Math.min(stats.available() - config.warmIpTarget(),
                    stats.total() - config.minimumIpTarget()), 0);
            if (!config.prefixMode()) {
                return overAddresses;
            }
            int totalPrefixes = stats.total() / WarmPoolConfig.ADDRESSES_PER_PREFIX;
            int neededForWarm = ceilDiv(stats.used() + config.warmIpTarget(), WarmPoolConfig.ADDRESSES_PER_PREFIX);
            int neededForMinimum = ceilDiv(config.minimumIpTarget(), WarmPoolConfig.ADDRESSES_PER_PREFIX);
            int over = Math.max(Math.min(stats.freePrefixes(), totalPrefixes - neededForWarm), 0);
            return Math.max(Math.min(over, totalPrefixes - neededForMinimum), 0);
        }
        if (config.prefixMode()) {
            return Math.max(stats.freePrefixes() - config.warmPrefixTarget(), 0);
        }
        return 0;
    }

    private PoolDecision release(List<EniState> enis, PoolStats stats, int excess) {
        for (int i = enis.size() - 1; i >= 0; i--) {
            EniState eni = enis.get(i);
            if (eni.freeSlots() > 0) {
                int count = Math.min(excess, eni.freeSlots());
                return PoolDecision.act(new PoolAction.ReleaseSlots(eni.id(), count), stats,
                        "pool high: " + excess + (config.prefixMode() ? " free prefixes" : " free addresses")
                                + " beyond the warm targets");
            }
        }
        return PoolDecision.steady(stats, "at target");
    }

    private static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }
}
