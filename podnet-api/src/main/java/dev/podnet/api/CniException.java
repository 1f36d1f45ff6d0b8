package dev.podnet.api;

/**
 * A failure that the CNI plugin reports to the runtime as an error result, carrying one of the spec's error codes.
 * Every decoder in this module throws only this exception, so the plugin's edge needs exactly one catch to turn any
 * bad input into {@code {"code":N,"msg":...}} on stdout.
 */
public class CniException extends RuntimeException {
    /** Codes 1-99 are reserved by the spec; these are the ones it defines (SPEC.md, "Error" and "STATUS"). */
    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODING_FAILURE = 6;
    public static final int INVALID_NETWORK_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    /** STATUS only: the plugin cannot service ADD. */
    public static final int PLUGIN_NOT_AVAILABLE = 50;
    /** STATUS only: cannot service ADD, and existing containers may have limited connectivity. */
    public static final int LIMITED_CONNECTIVITY = 51;
    /** First plugin-specific code; libcni uses 999 for "internal" failures, and so do we. */
    public static final int INTERNAL = 999;
    /** Messages quote the offending value; a 1 MiB value must not become a 1 MiB error on stdout. */
    static final int MAX_TEXT = 4096;

    private final int code;
    private final String details;

    public CniException(int code, String msg, String details) {
        super(bounded(msg == null ? "" : msg));
        if (code <= 0) {
            throw new IllegalArgumentException("CNI error codes are positive, got " + code);
        }
        this.code = code;
        this.details = bounded(details == null ? "" : details);
    }

    public CniException(int code, String msg) {
        this(code, msg, "");
    }

    public int code() {
        return code;
    }

    /** The short message, the spec's {@code msg}. */
    public String msg() {
        return getMessage();
    }

    /** The longer explanation, the spec's {@code details}; empty when there is none. */
    public String details() {
        return details;
    }

    private static String bounded(String text) {
        if (text.length() <= MAX_TEXT) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
        return text.substring(0, cut) + "... (" + text.length() + " characters)";
    }
}
