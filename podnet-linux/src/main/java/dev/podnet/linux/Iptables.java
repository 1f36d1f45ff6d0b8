package dev.podnet.linux;

import java.util.List;

/**
 * The iptables tables of one namespace, read with {@code iptables-save} and changed only with one
 * {@code iptables-restore --noflush} per change: the kernel applies a restore as one transaction, so a rule set is
 * never seen half written, and rules other programs own (kube-proxy's) are left alone.
 */
public final class Iptables {
    private final Exec exec;
    private final NetNamespace netns;

    public Iptables(Exec exec, NetNamespace netns) {
        this.exec = exec;
        this.netns = netns;
    }

    /** {@code iptables-save -t TABLE}. */
    public String save(String table) {
        checkTable(table);
        Exec.Result r = exec.run(netns.exec(List.of("iptables-save", "-t", table)), "");
        if (!r.ok()) {
            throw new LinuxException("iptables-save -t " + table + " in " + netns + " (exit " + r.exit() + "): "
                    + r.err().strip());
        }
        return r.out();
    }

    /** Applies {@code script} (restore input with its own {@code *table} and COMMIT); an empty script runs nothing. */
    public void restore(String script) {
        if (script.isEmpty()) {
            return;
        }
        // -w: wait for the xtables lock kube-proxy may hold instead of failing at once.
        Exec.Result r = exec.run(netns.exec(List.of("iptables-restore", "-w", "5", "--noflush")), script);
        if (!r.ok()) {
            throw new LinuxException("iptables-restore --noflush in " + netns + " (exit " + r.exit() + "): "
                    + r.err().strip() + "\n" + script);
        }
    }

    private static void checkTable(String table) {
        if (!table.matches("nat|filter|mangle|raw")) {
            throw new IllegalArgumentException("\"" + table + "\" is not an iptables table");
        }
    }
}
