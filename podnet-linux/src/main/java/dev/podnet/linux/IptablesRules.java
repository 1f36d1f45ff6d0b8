package dev.podnet.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The input of {@code iptables-restore}: tables, their chains and rules, built word by word. As with {@link IpBatch},
 * a word that the restore parser would split or read as a comment or quote is refused when it is added, so a value
 * (a MAC, an address) cannot smuggle in another rule.
 */
public final class IptablesRules {
    private static final Pattern SAFE_WORD = Pattern.compile("[^\\s\"'#\\\\]+");
    private static final Pattern CHAIN = Pattern.compile("[A-Za-z0-9_.-]{1,28}");

    private final List<String> lines = new ArrayList<>();
    private boolean inTable;

    /** Starts a table ({@code *filter}); the previous one, if any, must have been committed. */
    public IptablesRules table(String name) {
        if (inTable) {
            throw new IllegalStateException("commit the previous table before starting " + name);
        }
        lines.add("*" + word(name));
        inTable = true;
        return this;
    }

    /** Declares a chain: a built-in one with its policy ("ACCEPT", "DROP"), a user chain with policy "-". */
    public IptablesRules chain(String name, String policy) {
        requireTable();
        if (!CHAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + name + "\" is not a chain name (1-28 of letters, digits, _ . -)");
        }
        lines.add(":" + name + " " + word(policy) + " [0:0]");
        return this;
    }

    /** Appends a rule, e.g. {@code rule("-A", "FORWARD", "-i", "eth0", "-j", "DROP")}. */
    public IptablesRules rule(String... words) {
        requireTable();
        if (words.length == 0) {
            throw new IllegalArgumentException("an empty rule");
        }
        List<String> checked = new ArrayList<>(words.length);
        for (String w : words) {
            checked.add(word(w));
        }
        lines.add(String.join(" ", checked));
        return this;
    }

    public IptablesRules commit() {
        requireTable();
        lines.add("COMMIT");
        inTable = false;
        return this;
    }

    /** The restore input; every table must be committed. */
    public String text() {
        if (inTable) {
            throw new IllegalStateException("a table is not committed");
        }
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    private void requireTable() {
        if (!inTable) {
            throw new IllegalStateException("start a table first");
        }
    }

    private static String word(String w) {
        if (w == null || !SAFE_WORD.matcher(w).matches()) {
            throw new IllegalArgumentException("\"" + w + "\" cannot be a word of an iptables-restore rule");
        }
        return w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IptablesRules other && other.lines.equals(lines) && other.inTable == inTable;
    }

    @Override
    public int hashCode() {
        return lines.hashCode();
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
