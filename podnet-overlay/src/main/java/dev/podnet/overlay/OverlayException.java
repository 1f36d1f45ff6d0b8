package dev.podnet.overlay;

/**
 * The overlay cannot do its job: no free subnet, a lease that cannot be won after retries, a malformed lease it must
 * act on. Bad configuration is an {@link dev.podnet.net.InvalidInputException} instead, so the CLI can say "fix your
 * input" apart from "something went wrong".
 */
public final class OverlayException extends RuntimeException {
    public OverlayException(String message) {
        super(message);
    }

    public OverlayException(String message, Throwable cause) {
        super(message, cause);
    }
}
