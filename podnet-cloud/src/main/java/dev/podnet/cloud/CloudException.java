package dev.podnet.cloud;

import java.util.Optional;

/**
 * A failed cloud call. {@code code} is EC2's error code (also for codes podnet does not know, which then have no
 * {@link #error()}); {@code message} is EC2's message.
 */
public final class CloudException extends RuntimeException {

    private final String code;

    public CloudException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public CloudException(Ec2Error error, String message) {
        this(error.code(), message);
    }

    public String code() {
        return code;
    }

    public Optional<Ec2Error> error() {
        return Ec2Error.ofCode(code);
    }

    public boolean is(Ec2Error e) {
        return e.code().equals(code);
    }

    /** Throttled or unavailable: worth trying again later. Unknown codes count as not retryable. */
    public boolean retryable() {
        return error().map(e -> e.kind() == Ec2Error.Kind.THROTTLED || e.kind() == Ec2Error.Kind.UNAVAILABLE)
                .orElse(false);
    }
}
