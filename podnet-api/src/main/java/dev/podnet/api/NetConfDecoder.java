package dev.podnet.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the network configuration from stdin and checks it for the command at hand.
 * Failures carry the spec's codes: 5 when stdin cannot be read (or exceeds 1 MiB), 6 when the bytes are not JSON of
 * the expected shape, 1 when the version is unsupported or too old for the command, 7 when a value is invalid or a
 * required key is missing. Unknown keys are skipped wherever they appear, and a repeated key keeps its last value,
 * as Go's encoding/json does, so podnet reads a configuration the way every libcni-based plugin reads it.
 */
public final class NetConfDecoder {
    /** Runtimes pass a few KiB; anything past 1 MiB is a bug or an attack, and reading it would only cost memory. */
    public static final int MAX_STDIN_BYTES = 1 << 20;
    static final String VALID_ATTACHMENTS = "cni.dev/valid-attachments";
    /** libcni also sends the list under this name, after a naming slip in an early 1.1 draft (cni issue #1101). */
    static final String ATTACHMENTS = "cni.dev/attachments";
    private static final String INVALID = "invalid network config";

    private NetConfDecoder() {
    }

    /** Reads all of stdin (at most {@link #MAX_STDIN_BYTES}) and decodes it. */
    public static NetConf read(InputStream stdin, CniCommand command) {
        return decode(readLimited(stdin, MAX_STDIN_BYTES), command);
    }

    /**
     * Decodes a configuration and checks what the command needs: for every command but VERSION, a supported
     * cniVersion recent enough for the command, a valid name and a type; CHECK needs prevResult, GC the attachment list.
     */
    public static NetConf decode(byte[] json, CniCommand command) {
        if (json.length > MAX_STDIN_BYTES) {
            throw tooLarge();
        }
        NetConf conf;
        try (JsonIn in = JsonIn.openObject(json, 0, json.length)) {
            conf = readConf(in);
            in.finish();
        }
        if (command != CniCommand.VERSION) {
            check(conf, command);
        }
        return conf;
    }

    static byte[] readLimited(InputStream stream, int max) {
        try {
            byte[] bytes = stream.readNBytes(max + 1);
            if (bytes.length > max) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "error reading from stdin", String.valueOf(e.getMessage()));
        }
    }

    private static CniException tooLarge() {
        return new CniException(CniException.IO_FAILURE, "error reading from stdin",
                "the network configuration is larger than " + MAX_STDIN_BYTES + " bytes");
    }

    private static void check(NetConf conf, CniCommand command) {
        command.requireAllowedBy(conf.cniVersion());
        if (conf.name() == null || conf.name().isEmpty()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "missing network name", "");
        }
        if (!validName(conf.name())) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid characters found in network name",
                    conf.name());
        }
        if (conf.type() == null || conf.type().isEmpty()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, INVALID, "the configuration has no type");
        }
        if (command == CniCommand.CHECK && conf.prevResult() == null) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "required prevResult missing",
                    "the runtime must pass the result of ADD as prevResult to CHECK");
        }
        if (command == CniCommand.GC && conf.validAttachments() == null) {
            // Without the list every allocation would look stale; refusing is the only safe reading.
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, INVALID,
                    "GC needs \"" + VALID_ATTACHMENTS + "\", the list of attachments to keep");
        }
    }

    private static NetConf readConf(JsonIn in) {
        String version = null;
        String name = null;
        String type = null;
        NetConf.Ipam ipam = null;
        CniResult.Dns dns = null;
        ResultCodec.Decoded prev = null;
        RuntimeConfig runtime = new RuntimeConfig();
        List<String> argsIps = List.of();
        List<Attachment> topValid = null;
        List<Attachment> topAttachments = null;
        String mode = null;
        Integer mtu = null;
        String master = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "cniVersion" -> version = in.string();
                case "name" -> name = in.string();
                case "type" -> type = in.string();
                case "ipam" -> ipam = in.objectOrNull("an object") ? IpamDecoder.read(in) : null;
                case "dns" -> dns = ResultCodec.readDns(in);
                case "prevResult" -> prev = in.objectOrNull("an object") ? ResultCodec.readDecoded(in, CniVersion.CURRENT) : null;
                case "runtimeConfig" -> runtime = readRuntimeConfig(in);
                case "args" -> argsIps = readArgs(in);
                case VALID_ATTACHMENTS -> topValid = readAttachments(in);
                case ATTACHMENTS -> topAttachments = readAttachments(in);
                case "mode" -> mode = in.string();
                case "mtu" -> mtu = in.integer(); // its range is the main plugin's to judge (bridge takes 0 = default)
                case "master" -> master = in.string();
                default -> in.skip();
            }
        }
        CniResult prevResult = prev == null ? null : prev.result();
        if (prev != null && !prev.versioned() && CniVersion.isSupported(version)) {
            // A prevResult without its own cniVersion speaks the configuration's (libcni's ParsePrevResult does this).
            prevResult = new CniResult(version, prevResult.interfaces(), prevResult.ips(), prevResult.routes(),
                    prevResult.dns());
        }
        List<Attachment> valid = topValid != null ? topValid : topAttachments != null ? topAttachments
                : runtime.valid != null ? runtime.valid : runtime.attachments;
        return new NetConf(version, name, type, ipam, dns, prevResult, runtime.ips, argsIps, valid, mode, mtu, master);
    }


    /** What podnet takes from runtimeConfig: the "ips" capability, and the GC list where a runtime puts it there. */
    private static final class RuntimeConfig {
        List<String> ips = List.of();
        List<Attachment> valid;
        List<Attachment> attachments;
    }

    private static RuntimeConfig readRuntimeConfig(JsonIn in) {
        RuntimeConfig runtime = new RuntimeConfig();
        if (in.objectOrNull("an object")) {
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                switch (field) {
                    case "ips" -> runtime.ips = readIps(in);
                    case VALID_ATTACHMENTS -> runtime.valid = readAttachments(in);
                    case ATTACHMENTS -> runtime.attachments = readAttachments(in);
                    default -> in.skip();
                }
            }
        }
        return runtime;
    }

    /** "args" is free-form by convention; only {@code args.cni.ips} means something to podnet. */
    private static List<String> readArgs(JsonIn in) {
        List<String> ips = List.of();
        if (in.objectOrNull("an object")) {
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                if (field.equals("cni") && in.objectOrNull("an object")) {
                    for (String inner = in.nextField(); inner != null; inner = in.nextField()) {
                        if (inner.equals("ips")) {
                            ips = readIps(in);
                        } else {
                            in.skip();
                        }
                    }
                } else {
                    in.skip();
                }
            }
        }
        return ips;
    }

    /** Requested addresses, with or without a prefix length, as host-local accepts them. */
    private static List<String> readIps(JsonIn in) {
        List<String> ips = new ArrayList<>();
        if (in.arrayOrNull()) {
            while (in.nextElement()) {
                String ip = in.string();
                if (ip == null || (IpText.parseAddress(ip) == null && IpText.parsePrefixed(ip) == null)) {
                    throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID, "\"" + ip + "\" is not an IP address");
                }
                ips.add(ip);
            }
        }
        return ips;
    }

    static List<Attachment> readAttachments(JsonIn in) {
        List<Attachment> out = new ArrayList<>();
        if (!in.arrayOrNull()) {
            return out;
        }
        while (in.nextElement()) {
            if (!in.objectOrNull("an object")) {
                throw in.typeError("an attachment object");
            }
            String containerId = null;
            String ifName = null;
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                switch (field) {
                    case "containerID" -> containerId = in.string();
                    case "ifname" -> ifName = in.string();
                    default -> in.skip();
                }
            }
            if (containerId == null || containerId.isEmpty() || ifName == null || ifName.isEmpty()) {
                throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID,
                        "an attachment needs a containerID and an ifname");
            }
            out.add(new Attachment(containerId, ifName));
        }
        return out;
    }

    /** Network names follow the container ID rule: an alphanumeric, then alphanumerics, '_', '.', '-'. */
    private static boolean validName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-'))) {
                return false;
            }
        }
        return true;
    }
}
