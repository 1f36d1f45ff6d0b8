package dev.podnet.store;

/**
 * A failed store call. Callers branch on {@link #kind()}: CONFLICT (lost a compare-and-swap: re-read and retry),
 * UNAVAILABLE (the store cannot be reached in time: fail fast, callers map it to CNI code 11), LEASE_EXPIRED,
 * COMPACTED (a watch asked for revisions that are gone), INVALID (bad key, value or argument).
 */
public final class StoreException extends RuntimeException {

    public enum Kind { CONFLICT, UNAVAILABLE, LEASE_EXPIRED, COMPACTED, INVALID }

    private final Kind kind;

    public StoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static StoreException conflict(String message) {
        return new StoreException(Kind.CONFLICT, message);
    }

    public static StoreException unavailable(String message, Throwable cause) {
        return new StoreException(Kind.UNAVAILABLE, message, cause);
    }
}
