package dev.podnet.store;

import java.time.Duration;

/** A granted lease: keys put with its id are deleted when it expires or is revoked. */
public record Lease(long id, Duration ttl) {
}
