package dev.podnet.linux;

import dev.podnet.net.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * The VPC CNI's outbound SNAT: traffic to anything outside the VPC leaves with the node's primary address, because
 * only that address has a public mapping (an internet or NAT gateway does not know pod addresses). Pods keep their
 * own address towards the VPC's blocks and the excluded ones. Pure text: the rules as {@code iptables-restore} input,
 * computed from what {@code iptables-save -t nat} shows now, so that rebuilding after a crash and removing at
 * shutdown are both one atomic restore that leaves exactly one jump from POSTROUTING.
 *
 * @param chain      the chain podnet owns, e.g. {@link #CHAIN}
 * @param toSource   the node's primary IPv4 address
 * @param vpcCidrs   the VPC's IPv4 blocks (DescribeVpcs)
 * @param excluded   AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS
 */
public record SnatRules(String chain, String toSource, List<String> vpcCidrs, List<String> excluded) {
    public static final String CHAIN = "PODNET-SNAT";
    private static final String JUMP_COMMENT = "podnet SNAT";

    public SnatRules {
        vpcCidrs = List.copyOf(vpcCidrs).stream().map(SnatRules::ipv4Block).toList();
        excluded = List.copyOf(excluded).stream().map(SnatRules::ipv4Block).toList();
        if (!chain.matches("[A-Z0-9_-]{1,28}")) {
            throw new IllegalArgumentException("\"" + chain + "\" is not a chain name podnet uses");
        }
        Cidr source = Cidr.parse(toSource + "/32");
        if (!source.isIpv4()) {
            throw new IllegalArgumentException(toSource + " is not an IPv4 address");
        }
        if (vpcCidrs.isEmpty()) {
            throw new IllegalArgumentException("SNAT needs the VPC's blocks, or it would rewrite traffic inside the VPC");
        }
    }

    private static String ipv4Block(String text) {
        Cidr c;
        try {
            c = Cidr.parse(text.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a CIDR block: " + e.getMessage(), e);
        }
        if (!c.isIpv4()) {
            throw new IllegalArgumentException(text + " is not an IPv4 block (SNAT is IPv4 only)");
        }
        return c.toString();
    }

    /** The restore input that makes the chain exactly these rules, with one jump to it from POSTROUTING. */
    public String install(String natSave) {
        List<String> lines = new ArrayList<>();
        lines.add("*nat");
        // With --noflush, declaring a chain creates it or empties it: the rebuild after a crash starts from zero.
        lines.add(":" + chain + " - [0:0]");
        for (String cidr : vpcCidrs) {
            lines.add(returnRule(cidr, "VPC CIDR"));
        }
        for (String cidr : excluded) {
            lines.add(returnRule(cidr, "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS"));
        }
        lines.add("-A " + chain + " -m comment --comment \"" + JUMP_COMMENT + ": off the VPC\""
                + " -m addrtype ! --dst-type LOCAL -j SNAT --to-source " + toSource + " --random-fully");
        List<String> jumps = jumps(natSave, chain);
        if (jumps.isEmpty()) {
            lines.add("-A POSTROUTING -m comment --comment \"" + JUMP_COMMENT + "\" -j " + chain);
        }
        jumps.stream().skip(1).forEach(j -> lines.add("-D" + j.substring(2)));
        lines.add("COMMIT");
        return String.join("\n", lines) + "\n";
    }

    private String returnRule(String cidr, String why) {
        return "-A " + chain + " -d " + cidr + " -m comment --comment \"" + JUMP_COMMENT + ": " + why + "\" -j RETURN";
    }

    /**
     * The restore input that removes {@code chain} and every jump to it; empty when the save shows neither (a
     * node that never had it, or {@code AWS_VPC_K8S_CNI_EXTERNALSNAT=true} from the start).
     */
    public static String uninstall(String natSave, String chain) {
        List<String> jumps = jumps(natSave, chain);
        boolean exists = natSave.lines().anyMatch(l -> l.startsWith(":" + chain + " "));
        if (jumps.isEmpty() && !exists) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        lines.add("*nat");
        jumps.forEach(j -> lines.add("-D" + j.substring(2)));
        if (exists) {
            lines.add("-F " + chain);
            lines.add("-X " + chain);
        }
        lines.add("COMMIT");
        return String.join("\n", lines) + "\n";
    }

    /** The POSTROUTING rules of the save that jump to {@code chain}, as saved ("-A POSTROUTING ... -j CHAIN"). */
    static List<String> jumps(String natSave, String chain) {
        return natSave.lines().map(String::strip)
                .filter(l -> l.startsWith("-A POSTROUTING ") && l.endsWith(" -j " + chain)).toList();
    }
}
