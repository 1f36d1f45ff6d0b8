package dev.podnet.linux;

import java.util.List;

/**
 * The packet filter tables of one namespace, read with {@code iptables-save} and changed only with
 * {@code iptables-restore}: the kernel applies a restore as one transaction, so no packet ever meets half a rule
 * set, and one process applies any number of rules. {@code -w} waits for the xtables lock kube-proxy may hold
 * instead of failing at once.
 */
public final class Iptables {
    /** The address family, which decides the tools. */
    public enum Family {
        IPV4("iptables"), IPV6("ip6tables");

        final String tool;

        Family(String tool) {
            this.tool = tool;
        }
    }

    private final Exec exec;
    private final NetNamespace netns;

    public Iptables(Exec exec, NetNamespace netns) {
        this.exec = exec;
        this.netns = netns;
    }

    /** {@code iptables-save -t TABLE} (IPv4). */
    public String save(String table) {
        if (!table.matches("nat|filter|mangle|raw")) {
            throw new IllegalArgumentException("\"" + table + "\" is not an iptables table");
        }
        return run(List.of("iptables-save", "-t", table), "");
    }

    /**
     * Replaces every table that {@code rules} names with its content (tables it does not name are left alone), for
     * a namespace whose tables are all ours.
     *
     * @throws LinuxException quoting the tool's error; the kernel then keeps the tables as they were
     */
    public void replaceTables(Family family, IptablesRules rules) {
        run(List.of(family.tool + "-restore", "-w", "5"), rules.text());
    }

    /**
     * Applies {@code script} (restore input with its own {@code *table} and COMMIT) to IPv4 tables without flushing
     * them, so rules other programs own stay; an empty script runs nothing.
     */
    public void change(String script) {
        if (!script.isEmpty()) {
            run(List.of("iptables-restore", "-w", "5", "--noflush"), script);
        }
    }

    private String run(List<String> command, String input) {
        Exec.Result r = exec.run(netns.exec(command), input);
        if (!r.ok()) {
            throw new LinuxException(String.join(" ", command) + " in " + netns + " (exit " + r.exit() + "): "
                    + r.err().strip() + (input.isEmpty() ? "" : "\n" + input));
        }
        return r.out();
    }
}
