package dev.podnet.ipam;

import java.util.regex.Pattern;

/**
 * The Kubernetes pod behind an attachment, as the runtime names it in CNI_ARGS ({@code K8S_POD_NAMESPACE},
 * {@code K8S_POD_NAME}, {@code K8S_POD_UID}): who holds an address, and what GC from the API server reads. Checked
 * with Kubernetes' own rules (a namespace is a DNS-1123 label, a pod name a DNS-1123 subdomain), which also keeps
 * {@link #token()} one journal token: none of the three can hold a '/' or a space.
 */
public record PodRef(String namespace, String name, String uid) {
    private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern NAMESPACE = Pattern.compile(LABEL);
    private static final Pattern NAME = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
    /** Kubernetes writes UUIDs; the API allows any string, so this only keeps separators out. */
    private static final Pattern UID = Pattern.compile("[A-Za-z0-9._-]+");

    public PodRef {
        require("namespace", namespace, NAMESPACE, 63);
        require("name", name, NAME, 253);
        require("uid", uid, UID, 128);
    }

    /** {@code NAMESPACE/NAME/UID}, the journal's form. */
    String token() {
        return namespace + "/" + name + "/" + uid;
    }

    static PodRef parse(String token) {
        String[] parts = token.split("/", -1);
        if (parts.length != 3) {
            throw IpamException.invalid("pod \"" + AttachmentKey.printable(token) + "\" is not NAMESPACE/NAME/UID");
        }
        return new PodRef(parts[0], parts[1], parts[2]);
    }

    /** {@code NAMESPACE/NAME}, as kubectl names a pod. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }

    private static void require(String what, String value, Pattern pattern, int maxLength) {
        if (value == null || value.isEmpty() || value.length() > maxLength || !pattern.matcher(value).matches()) {
            throw IpamException.invalid("pod " + what + " \"" + (value == null ? "" : AttachmentKey.printable(value))
                    + "\" is not a Kubernetes pod " + what + " (at most " + maxLength + " characters"
                    + (pattern == UID ? " of letters, digits, '.', '_' and '-')" : ", lower-case DNS-1123)"));
        }
    }
}
