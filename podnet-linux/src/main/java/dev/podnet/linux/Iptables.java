package dev.podnet.linux;

import java.util.List;

/**
 * Packet filter rules of one namespace, replaced a whole table at a time with {@code iptables-restore} (or
 * {@code ip6tables-restore}) run inside it: the kernel swaps the table atomically, so no packet ever meets half a
 * rule set, and one process applies any number of rules.
 */
public final class Iptables {
    /** The address family, which decides the tool. */
    public enum Family {
        IPV4("iptables-restore"), IPV6("ip6tables-restore");

        final String restore;

        Family(String restore) {
            this.restore = restore;
        }
    }

    private final Exec exec;
    private final NetNamespace netns;

    public Iptables(Exec exec, NetNamespace netns) {
        this.exec = exec;
        this.netns = netns;
    }

    /**
     * Replaces every table that {@code rules} names with its content there (tables it does not name are left alone).
     *
     * @throws LinuxException quoting the tool's error; the kernel then keeps the tables as they were
     */
    public void restore(Family family, IptablesRules rules) {
        Exec.Result r = exec.run(netns.exec(List.of(family.restore)), rules.text());
        if (!r.ok()) {
            throw new LinuxException(family.restore + " in " + netns + " (exit " + r.exit() + "): " + r.err().strip());
        }
    }
}
