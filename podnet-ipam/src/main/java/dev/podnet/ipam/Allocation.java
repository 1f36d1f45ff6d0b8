package dev.podnet.ipam;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The addresses one attachment holds, IPv4 first, and when it got them (millisecond precision, as journaled).
 * {@code pool} is the pool named in the request, which may no longer be configured after a restart; {@code pod} the
 * Kubernetes pod the request named, if any.
 */
public record Allocation(AttachmentKey key, String pool, List<AssignedAddress> addresses, Instant allocatedAt,
                         Optional<PodRef> pod) {

    public Allocation {
        // The engine's own lists are immutable already and build their addresses lazily; copying would build them.
        addresses = addresses instanceof SlotAddresses ? addresses : List.copyOf(addresses);
    }
}
