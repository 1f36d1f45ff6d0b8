package dev.podnet.net;

/** The hypervisor column of the instance catalogue. */
public enum Hypervisor {
    NITRO, XEN, UNKNOWN;

    static Hypervisor parse(String text) {
        return switch (text) {
            case "nitro" -> NITRO;
            case "xen" -> XEN;
            case "unknown", "" -> UNKNOWN;
            default -> throw new IllegalArgumentException("unknown hypervisor " + text);
        };
    }
}
