package dev.podnet.ipam.warm;

import java.util.List;

/**
 * Address counts of a node's pool, as the VPC CNI's datastore reports them.
 *
 * @param total        addresses held for pods (each prefix counts 16)
 * @param used         addresses pods use
 * @param freePrefixes prefixes (or single addresses, outside prefix mode) that no pod uses
 */
public record PoolStats(int total, int used, int freePrefixes, int enis) {

    public int available() {
        return total - used;
    }

    static PoolStats of(List<EniState> enis, WarmPoolConfig config) {
        int total = 0;
        int used = 0;
        int free = 0;
        for (EniState eni : enis) {
            total += eni.addresses(config.addressesPerSlot());
            used += eni.used();
            free += eni.freeFullSlots(config.addressesPerSlot());
        }
        return new PoolStats(total, used, free, enis.size());
    }
}
