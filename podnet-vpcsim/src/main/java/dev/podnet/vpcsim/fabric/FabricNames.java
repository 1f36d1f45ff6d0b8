package dev.podnet.vpcsim.fabric;

import java.util.regex.Pattern;

/**
 * What a fabric called NAME names its things: the router namespace {@code NAME-vpc}, the outside host's
 * {@code NAME-out}, one namespace {@code NAME-<instance-id>} per instance, and on the router one veth per attached ENI named from the ENI's id.
 * A leftover of the same fabric (after a crash) is recognised by these names alone, and nothing else matches them.
 */
public record FabricNames(String name) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    public FabricNames {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("fabric name \"" + name
                    + "\": use 1-32 of a-z, 0-9 and -, starting with a letter or digit");
        }
    }

    public String router() {
        return name + "-vpc";
    }

    public String outside() {
        return name + "-out";
    }

    public String instance(String instanceId) {
        return name + "-" + instanceId;
    }

    /** Whether namespace {@code ns} is this fabric's (and not, say, fabric NAME-2's). */
    public boolean owns(String ns) {
        return ns.equals(router()) || ns.equals(outside()) || ns.matches(Pattern.quote(name) + "-i-[0-9a-f]+");
    }

    /**
     * The router's end of an ENI's veth: "eni" and the id's last 12 hex digits, within Linux's 15 characters. EC2's
     * ids are random, so two ENIs of one world sharing 48 bits is not a concern (the plan refuses it anyway).
     */
    public static String routerDevice(String eniId) {
        String hex = eniId.replaceFirst("^eni-", "");
        if (!hex.matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("\"" + eniId + "\" is not an ENI id");
        }
        return "eni" + hex.substring(Math.max(0, hex.length() - 12));
    }

    /** The instance's name for the ENI at device index {@code n}, as Amazon Linux's udev rules name it. */
    public static String instanceDevice(int deviceIndex) {
        return "eth" + deviceIndex;
    }
}
