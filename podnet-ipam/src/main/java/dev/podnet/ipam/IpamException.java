package dev.podnet.ipam;

import java.util.Objects;

/**
 * The one failure type of the IPAM engine. Callers branch on {@link #reason()}, never on the message,
 * which is written for the person reading the CNI error and names the pool, address or file involved.
 */
public final class IpamException extends RuntimeException {

    /** What went wrong, coarse enough for the CNI edge to map each value to one error code. */
    public enum Reason {
        /** No free address is left in a pool (possibly only because of quarantine): the runtime may retry later. */
        EXHAUSTED,
        /** The address or attachment asked for is held by someone else. */
        CONFLICT,
        /** The request itself is wrong: bad id, unknown pool, address outside every range, bad configuration. */
        INVALID_REQUEST,
        /** The attachment or pool asked about does not exist. */
        NOT_FOUND,
        /** Disk or state trouble; the engine stops answering until it is reopened from disk. */
        INTERNAL
    }

    private final Reason reason;

    public IpamException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason);
    }

    public IpamException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason);
    }

    public Reason reason() {
        return reason;
    }

    static IpamException invalid(String message) {
        return new IpamException(Reason.INVALID_REQUEST, message);
    }
}
