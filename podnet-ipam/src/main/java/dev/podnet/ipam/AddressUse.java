package dev.podnet.ipam;

import java.time.Instant;
import java.util.Optional;

/**
 * What the engine knows of one address: held by an attachment, resting in quarantine, free, or outside every
 * configured range. The warm-pool controller asks before it gives an address back to the cloud.
 */
public sealed interface AddressUse {

    record Held(AttachmentKey key) implements AddressUse {
    }

    record Quarantined(Instant until) implements AddressUse {
    }

    record Free() implements AddressUse {
    }

    /** Outside every range, or a reserved address (network, broadcast, gateway, excluded). */
    record Unmanaged() implements AddressUse {
    }

    default boolean isFree() {
        return this instanceof Free;
    }

    static AddressUse quarantinedUntil(Optional<Instant> until) {
        return new Quarantined(until.orElseThrow());
    }
}
