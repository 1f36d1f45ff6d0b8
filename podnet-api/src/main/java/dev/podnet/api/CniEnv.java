package dev.podnet.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CNI_* environment of one plugin invocation, validated for its command.
 * Values the command does not use are null (or empty), so a stray CNI_IFNAME on GC cannot be mistaken for a target.
 *
 * @param containerId CNI_CONTAINERID, for ADD, DEL and CHECK
 * @param netns       CNI_NETNS; required by ADD and CHECK, optional for DEL
 * @param ifName      CNI_IFNAME, for ADD, DEL and CHECK
 * @param args        CNI_ARGS as key/value pairs, in order
 * @param path        CNI_PATH split on ':'
 */
public record CniEnv(CniCommand command, String containerId, String netns, String ifName,
                     Map<String, String> args, List<String> path) {
    public static final String COMMAND = "CNI_COMMAND";
    public static final String CONTAINER_ID = "CNI_CONTAINERID";
    public static final String NETNS = "CNI_NETNS";
    public static final String IFNAME = "CNI_IFNAME";
    public static final String ARGS = "CNI_ARGS";
    public static final String PATH = "CNI_PATH";
    /** Linux IFNAMSIZ is 16 including the terminating NUL. */
    static final int MAX_IFNAME_BYTES = 15;

    public CniEnv {
        if (command == null) {
            throw new IllegalArgumentException("command is required");
        }
        args = Collections.unmodifiableMap(new LinkedHashMap<>(args == null ? Map.of() : args));
        path = path == null ? List.of() : List.copyOf(path);
    }

    /**
     * Reads and validates the environment. Missing variables are all named in one code-4 error (as libcni does),
     * so an operator fixes them in one go; an empty variable counts as missing.
     */
    public static CniEnv parse(Map<String, String> env) {
        String commandText = nonEmpty(env.get(COMMAND));
        if (commandText == null) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "required env variables [CNI_COMMAND] missing");
        }
        CniCommand command = CniCommand.parse(commandText);
        String containerId = command.needsContainerId() ? nonEmpty(env.get(CONTAINER_ID)) : null;
        String netns = command == CniCommand.VERSION || command == CniCommand.GC || command == CniCommand.STATUS
                ? null : nonEmpty(env.get(NETNS));
        String ifName = command.needsIfName() ? nonEmpty(env.get(IFNAME)) : null;
        String pathText = nonEmpty(env.get(PATH));

        List<String> missing = new ArrayList<>();
        if (command.needsContainerId() && containerId == null) {
            missing.add(CONTAINER_ID);
        }
        if (command.needsNetns() && netns == null) {
            missing.add(NETNS);
        }
        if (command.needsIfName() && ifName == null) {
            missing.add(IFNAME);
        }
        if (command.needsPath() && pathText == null) {
            missing.add(PATH);
        }
        if (!missing.isEmpty()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT,
                    "required env variables [" + String.join(",", missing) + "] missing", "CNI_COMMAND=" + command);
        }
        if (containerId != null) {
            validateContainerId(containerId, CONTAINER_ID);
        }
        if (ifName != null) {
            validateIfName(ifName, IFNAME);
        }
        Map<String, String> args = command == CniCommand.VERSION ? Map.of() : parseArgs(env.get(ARGS));
        return new CniEnv(command, containerId, netns, ifName, args, splitPath(pathText));
    }

    /**
     * A container ID starts with a letter or digit, then letters, digits, '_', '.', '-' (SPEC.md, "Parameters").
     * ASCII only: the runtime's IDs are hex or UUID-like, and a non-ASCII "letter" would be a different key on disk.
     */
    static void validateContainerId(String containerId, String variable) {
        if (containerId == null || containerId.isEmpty()) {
            throw new CniException(CniException.UNKNOWN_CONTAINER, "missing containerID", variable);
        }
        if (!isAsciiAlnum(containerId.charAt(0)) || containerId.length() > 1024) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid characters in containerID",
                    variable + "=" + containerId);
        }
        for (int i = 1; i < containerId.length(); i++) {
            char c = containerId.charAt(i);
            if (!isAsciiAlnum(c) && c != '_' && c != '.' && c != '-') {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid characters in containerID",
                        variable + "=" + containerId);
            }
        }
    }

    /** The kernel's rules (net/core/dev.c dev_valid_name): 1-15 bytes, not "." or "..", no '/', ':' or whitespace. */
    static void validateIfName(String ifName, String variable) {
        if (ifName == null || ifName.isEmpty()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "interface name is empty", variable);
        }
        if (utf8Length(ifName) > MAX_IFNAME_BYTES) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "interface name is too long",
                    variable + ": interface name should be less than 16 characters");
        }
        if (ifName.equals(".") || ifName.equals("..")) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "interface name is . or ..", variable);
        }
        for (int i = 0; i < ifName.length(); i++) {
            char c = ifName.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isSpaceChar(c) || c < 0x20 || c == 0x85) {
                throw new CniException(CniException.INVALID_ENVIRONMENT,
                        "interface name contains / or : or whitespace characters", variable);
            }
        }
    }

    /** CNI_ARGS is "K=V;K=V". A pair without exactly one '=' is refused, as libcni's LoadArgs does; the last duplicate wins. */
    static Map<String, String> parseArgs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split(";", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || pair.indexOf('=', eq + 1) >= 0) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_ARGS pair \"" + pair + "\"",
                        "CNI_ARGS must be KEY=VALUE pairs separated by ';'");
            }
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    private static List<String> splitPath(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String dir : text.split(":")) {
                if (!dir.isEmpty()) {
                    out.add(dir);
                }
            }
        }
        return out;
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
