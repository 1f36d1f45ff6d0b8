package dev.podnet.ipam;

import java.util.List;

/** Counts of every configured pool and every allocation, including ones from pools no longer configured. */
public record IpamStatus(List<PoolStatus> pools, List<Allocation> allocations) {

    public IpamStatus {
        pools = List.copyOf(pools);
        allocations = List.copyOf(allocations);
    }
}
