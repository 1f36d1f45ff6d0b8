package dev.podnet.ipam;

import java.time.Instant;
import java.util.List;

/**
 * The addresses one attachment holds, IPv4 first, and when it got them (millisecond precision, as journaled).
 * {@code pool} is the pool named in the request, which may no longer be configured after a restart.
 */
public record Allocation(AttachmentKey key, String pool, List<AssignedAddress> addresses, Instant allocatedAt) {

    public Allocation {
        // The engine's own lists are immutable already and build their addresses lazily; copying would build them.
        addresses = addresses instanceof SlotAddresses ? addresses : List.copyOf(addresses);
    }
}
