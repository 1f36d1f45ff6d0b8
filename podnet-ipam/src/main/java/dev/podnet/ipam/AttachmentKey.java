package dev.podnet.ipam;

/**
 * One CNI attachment: a container's interface. Allocations are keyed by it, so the same pair always gets the same
 * answer. Validation follows the CNI spec (and the kernel's rules for interface names), and is also what keeps the
 * journal format unbreakable: neither part can hold a space, newline or other separator.
 */
public record AttachmentKey(String containerId, String ifName) implements Comparable<AttachmentKey> {

    /** Not in the spec; a bound so a hostile id cannot bloat the journal. Runtimes use 64 hex digits. */
    static final int MAX_CONTAINER_ID = 1024;
    /** IFNAMSIZ minus the terminating NUL. */
    static final int MAX_IF_NAME = 15;

    public AttachmentKey {
        requireContainerId(containerId);
        if (ifName == null || ifName.isEmpty() || ifName.length() > MAX_IF_NAME) {
            throw IpamException.invalid("interface name must be 1 to " + MAX_IF_NAME + " characters, got "
                    + (ifName == null ? "none" : "\"" + printable(ifName) + "\""));
        }
        if (ifName.equals(".") || ifName.equals("..")) {
            throw IpamException.invalid("interface name must not be \"" + ifName + "\"");
        }
        for (int i = 0; i < ifName.length(); i++) {
            char c = ifName.charAt(i);
            // Printable ASCII only: the kernel also forbids '/', ':' and whitespace; non-ASCII would break the
            // 15-byte limit once encoded.
            if (c <= ' ' || c > '~' || c == '/' || c == ':') {
                throw IpamException.invalid("interface name \"" + printable(ifName)
                        + "\" may not contain '/', ':', whitespace or non-ASCII characters");
            }
        }
    }

    public static AttachmentKey of(String containerId, String ifName) {
        return new AttachmentKey(containerId, ifName);
    }

    static void requireContainerId(String containerId) {
        if (containerId == null || containerId.isEmpty()) {
            throw IpamException.invalid("container id is empty");
        }
        if (containerId.length() > MAX_CONTAINER_ID) {
            throw IpamException.invalid("container id is longer than " + MAX_CONTAINER_ID + " characters");
        }
        for (int i = 0; i < containerId.length(); i++) {
            char c = containerId.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alnum && (i == 0 || c != '_' && c != '.' && c != '-')) {
                throw IpamException.invalid("container id \"" + printable(containerId)
                        + "\" must start with a letter or digit and hold only letters, digits, '_', '.' and '-'");
            }
        }
    }

    /** Keeps control characters out of error messages that end up in logs and CNI replies. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> {
            if (cp < ' ' || cp == 0x7f) {
                b.append(String.format("\\x%02x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return s.length() > 80 ? b + "..." : b.toString();
    }

    @Override
    public int compareTo(AttachmentKey o) {
        int c = containerId.compareTo(o.containerId);
        return c != 0 ? c : ifName.compareTo(o.ifName);
    }

    @Override
    public String toString() {
        return containerId + "/" + ifName;
    }
}
