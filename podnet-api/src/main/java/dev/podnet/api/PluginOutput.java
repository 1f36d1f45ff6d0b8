package dev.podnet.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the plugin prints on stdout: a result for ADD, an error for any failure, the version report for VERSION.
 * The decoders exist for a plugin that delegates to another (it reads the delegate's stdout) and for tests.
 */
public final class PluginOutput {
    private static final String INVALID = "invalid plugin output";

    private PluginOutput() {
    }

    /** The VERSION answer: which spec versions this plugin speaks. */
    public record VersionInfo(String cniVersion, List<String> supportedVersions) {
        public VersionInfo {
            supportedVersions = supportedVersions == null ? List.of() : List.copyOf(supportedVersions);
        }
    }

    public static byte[] result(CniResult result, String version) {
        return ResultCodec.encode(result, version);
    }

    public static byte[] error(CniError error) {
        try (JsonOut out = new JsonOut()) {
            out.startObject();
            out.string("cniVersion", error.cniVersion());
            out.number("code", error.code());
            out.string("msg", error.msg());
            out.stringIfPresent("details", error.details());
            out.endObject();
            return out.toBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] version() {
        return version(new VersionInfo(CniVersion.CURRENT, CniVersion.SUPPORTED));
    }

    public static byte[] version(VersionInfo info) {
        try (JsonOut out = new JsonOut()) {
            out.startObject();
            out.string("cniVersion", info.cniVersion());
            out.strings("supportedVersions", info.supportedVersions());
            out.endObject();
            return out.toBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CniError decodeError(byte[] json) {
        try (JsonIn in = JsonIn.openObject(json, 0, json.length)) {
            String version = null;
            Integer code = null;
            String msg = null;
            String details = null;
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                switch (field) {
                    case "cniVersion" -> version = in.string();
                    case "code" -> code = in.integer();
                    case "msg" -> msg = in.string();
                    case "details" -> details = in.string();
                    default -> in.skip();
                }
            }
            in.finish();
            if (code == null || code <= 0) {
                throw new CniException(CniException.DECODING_FAILURE, INVALID, "an error needs a positive code");
            }
            return new CniError(version == null ? CniVersion.CURRENT : version, code, msg, details);
        }
    }

    public static VersionInfo decodeVersion(byte[] json) {
        try (JsonIn in = JsonIn.openObject(json, 0, json.length)) {
            String version = null;
            List<String> supported = new ArrayList<>();
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                switch (field) {
                    case "cniVersion" -> version = in.string();
                    case "supportedVersions" -> supported = in.strings();
                    default -> in.skip();
                }
            }
            in.finish();
            if (version == null) {
                throw new CniException(CniException.DECODING_FAILURE, INVALID, "a version report needs a cniVersion");
            }
            return new VersionInfo(version, supported);
        }
    }
}
