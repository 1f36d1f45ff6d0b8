package dev.podnet.api;

/**
 * The error result a plugin prints on stdout before exiting 1: {@code {"cniVersion","code","msg","details"}}.
 *
 * @param details empty when there is nothing to add; then the key is left out, as libcni does
 */
public record CniError(String cniVersion, int code, String msg, String details) {
    public CniError {
        if (code <= 0) {
            throw new IllegalArgumentException("CNI error codes are positive, got " + code);
        }
        msg = msg == null ? "" : msg;
        details = details == null ? "" : details;
    }

    /**
     * The error for a failure, labelled with the configuration's version when it is a plausible version string.
     * A configuration that failed before its version was known (or whose version is garbage) gets ours, so the
     * runtime still reads a well-formed error.
     */
    public static CniError of(CniException failure, String configVersion) {
        return new CniError(plausibleVersion(configVersion) ? configVersion : CniVersion.CURRENT,
                failure.code(), failure.msg(), failure.details());
    }

    public CniException toException() {
        return new CniException(code, msg, details);
    }

    private static boolean plausibleVersion(String version) {
        if (version == null || version.isEmpty() || version.length() > 16) {
            return false;
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }
}
