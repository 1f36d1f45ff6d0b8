package dev.podnet.api;

import java.util.List;

/**
 * The CNI spec versions podnet speaks, and the comparisons the protocol needs.
 * Support is an exact string match (as in libcni's {@code PluginInfo.SupportsVersion}): "1.0" is not "1.0.0".
 */
public final class CniVersion {
    public static final String V0_3_0 = "0.3.0";
    public static final String V0_3_1 = "0.3.1";
    public static final String V0_4_0 = "0.4.0";
    public static final String V1_0_0 = "1.0.0";
    public static final String V1_1_0 = "1.1.0";
    /** The version podnet implements and writes when no other version is asked for. */
    public static final String CURRENT = V1_1_0;
    /** 0.1.0 and 0.2.0 are left out: their result type (ip4/ip6 objects) cannot carry more than one address per family. */
    public static final List<String> SUPPORTED = List.of(V0_3_0, V0_3_1, V0_4_0, V1_0_0, V1_1_0);

    private CniVersion() {
    }

    public static boolean isSupported(String version) {
        return version != null && SUPPORTED.contains(version);
    }

    /** Returns the version, or throws code 1 naming what is supported. */
    public static String requireSupported(String version) {
        if (version == null || version.isEmpty()) {
            // libcni reads a missing cniVersion as 0.1.0, which no podnet version speaks.
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "incompatible CNI versions",
                    "the configuration has no cniVersion; this plugin supports " + String.join(", ", SUPPORTED));
        }
        if (!isSupported(version)) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "incompatible CNI versions",
                    "config is \"" + version + "\", plugin supports " + String.join(", ", SUPPORTED));
        }
        return version;
    }

    /** Compares two supported versions numerically (so that a future "0.10.0" would sort after "0.4.0"). */
    public static int compare(String a, String b) {
        int[] x = parts(a);
        int[] y = parts(b);
        for (int i = 0; i < 3; i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return 0;
    }

    public static boolean atLeast(String version, String minimum) {
        return compare(version, minimum) >= 0;
    }

    /** Results before 1.0.0 label every IP with {@code "version":"4"|"6"}. */
    static boolean labelsIpVersion(String version) {
        return compare(version, V1_0_0) < 0;
    }

    /** Interface mtu/socketPath/pciID and route mtu/advmss/priority/table/scope exist from 1.1.0 on. */
    static boolean hasExtendedFields(String version) {
        return compare(version, V1_1_0) >= 0;
    }

    private static int[] parts(String version) {
        String[] split = version.split("\\.", -1);
        if (split.length != 3) {
            throw new CniException(CniException.DECODING_FAILURE, "invalid version \"" + version + "\"");
        }
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            String part = split[i];
            if (part.isEmpty() || part.length() > 6 || (part.length() > 1 && part.charAt(0) == '0')) {
                throw new CniException(CniException.DECODING_FAILURE, "invalid version \"" + version + "\"");
            }
            for (int j = 0; j < part.length(); j++) {
                char c = part.charAt(j);
                if (c < '0' || c > '9') {
                    throw new CniException(CniException.DECODING_FAILURE, "invalid version \"" + version + "\"");
                }
                out[i] = out[i] * 10 + (c - '0');
            }
        }
        return out;
    }
}
