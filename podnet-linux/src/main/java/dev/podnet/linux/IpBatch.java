package dev.podnet.linux;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Commands for one iproute2 tool ({@code ip} or {@code bridge}), sent as one {@code TOOL [-n NETNS] -batch -} with the
 * commands on standard input: one process per operation instead of one per route, and the tool stops at the first
 * failing line, so what follows a failure is never applied out of order. A failure names that line and quotes the
 * tool's error.
 *
 * <p>Words are written to the batch as they are; a word the batch parser would split or reinterpret (blank, white
 * space, quotes, {@code #}, a backslash) is refused when it is added, so no value can smuggle in a second command.
 */
public final class IpBatch {
    /** The two iproute2 tools that read batches; FDB entries of a VXLAN device are the {@code bridge} tool's. */
    public enum Tool {
        IP("ip"), BRIDGE("bridge"),
        /** {@code ip -6}: a batch line cannot choose the family, and {@code rule} needs it for IPv6 selectors. */
        IP6("ip");

        final String command;

        Tool(String command) {
            this.command = command;
        }
    }

    private static final Pattern SAFE_WORD = Pattern.compile("[^\\s\"'#\\\\]+");
    /** How ip and bridge report the failing line of a batch read from stdin ("-"). */
    private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");
    /** How ip reports a delete that matched nothing (ENOENT). */
    private static final String NOTHING_TO_DELETE = "No such file or directory";
    /** A selector matches at most a handful (one "from pod" rule per VPC block); more rounds mean someone re-adds. */
    private static final int MAX_DELETE_ROUNDS = 64;

    private final Tool tool;
    private final NetNamespace netns;
    private final List<String> lines = new ArrayList<>();

    public IpBatch(Tool tool, NetNamespace netns) {
        this.tool = tool;
        this.netns = netns;
    }

    public static IpBatch ip(NetNamespace netns) {
        return new IpBatch(Tool.IP, netns);
    }

    public static IpBatch ip6(NetNamespace netns) {
        return new IpBatch(Tool.IP6, netns);
    }

    public static IpBatch bridge(NetNamespace netns) {
        return new IpBatch(Tool.BRIDGE, netns);
    }

    /** Appends one command, e.g. {@code add("route", "replace", "10.5.3.0/24", "via", "10.5.3.0", ...)}. */
    public IpBatch add(String... words) {
        if (words.length == 0) {
            throw new IllegalArgumentException("an empty command");
        }
        for (String w : words) {
            if (w == null || !SAFE_WORD.matcher(w).matches()) {
                throw new IllegalArgumentException("\"" + w + "\" cannot be a word of an " + tool.command
                        + " batch (blank, white space, quote, # or backslash)");
            }
        }
        lines.add(String.join(" ", words));
        return this;
    }

    public IpBatch addAll(IpBatch other) {
        if (other.tool != tool || !other.netns.equals(netns)) {
            throw new IllegalArgumentException("cannot merge a batch for " + other.tool.command + " in " + other.netns
                    + " into one for " + tool.command + " in " + netns);
        }
        lines.addAll(other.lines);
        return this;
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    /** The batch's commands, one per line, in order. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The command line that runs the batch. */
    public List<String> argv() {
        List<String> argv = netns.iproute(tool.command);
        if (tool == Tool.IP6) {
            argv.add("-6");
        }
        argv.addAll(List.of("-batch", "-"));
        return argv;
    }

    /** What goes to the tool's standard input. */
    public String script() {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    /**
     * Runs the batch (nothing at all when it is empty).
     *
     * @throws LinuxException naming the failing line and quoting the tool's stderr
     */
    public void run(Exec exec) {
        if (lines.isEmpty()) {
            return;
        }
        Exec.Result r = exec.run(argv(), script());
        if (r.ok()) {
            return;
        }
        String err = r.err().strip();
        Matcher m = FAILED_LINE.matcher(err);
        String where = "";
        if (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (n >= 1 && n <= lines.size()) {
                where = ": line " + n + " of " + lines.size() + " `" + lines.get(n - 1) + "` failed";
            }
        }
        String reason = err.lines().filter(l -> !FAILED_LINE.matcher(l).find()).reduce((a, b) -> a + "; " + b).orElse("");
        throw new LinuxException(String.join(" ", argv()) + " (exit " + r.exit() + ")" + where
                + (reason.isEmpty() ? "" : ": " + reason));
    }

    /**
     * Runs a batch of deletes whose selectors may match several objects, until none matches any more: every line
     * runs ({@code -force}); a line that found nothing ("No such file or directory") is done, one that deleted
     * something runs again. This deletes by what the kernel matches, where deleting what a dump listed can miss: a
     * dump is read in parts, and deletes by others in the meantime shift what follows past the reader.
     *
     * @throws LinuxException naming the line on any other error, or when lines still delete after
     *                        {@link #MAX_DELETE_ROUNDS} rounds
     */
    public void deleteUntilGone(Exec exec) {
        List<String> left = lines;
        for (int round = 0; !left.isEmpty(); round++) {
            if (round == MAX_DELETE_ROUNDS) {
                throw new LinuxException(String.join(" ", argv()) + ": still deleting after " + round + " rounds: "
                        + left);
            }
            left = deleteOnce(exec, left);
        }
    }

    /** One round: the lines that deleted something. */
    private List<String> deleteOnce(Exec exec, List<String> round) {
        List<String> argv = argv();
        argv.add(argv.size() - 2, "-force");
        Exec.Result r = exec.run(argv, String.join("\n", round) + "\n");
        Map<Integer, String> failed = new HashMap<>();
        StringBuilder why = new StringBuilder();
        for (String line : r.err().strip().lines().toList()) {
            Matcher m = FAILED_LINE.matcher(line);
            if (m.find()) {
                failed.put(Integer.parseInt(m.group(1)), why.toString());
                why.setLength(0);
            } else {
                why.append(why.isEmpty() ? "" : "; ").append(line);
            }
        }
        if (!r.ok() && failed.isEmpty()) {
            throw new LinuxException(String.join(" ", argv) + " (exit " + r.exit() + "): " + r.err().strip());
        }
        List<String> again = new ArrayList<>();
        for (int i = 0; i < round.size(); i++) {
            String error = failed.get(i + 1);
            if (error == null) {
                again.add(round.get(i));
            } else if (!error.contains(NOTHING_TO_DELETE)) {
                throw new LinuxException(String.join(" ", argv) + ": line " + (i + 1) + " of " + round.size() + " `"
                        + round.get(i) + "` failed: " + error);
            }
        }
        return again;
    }

    @Override
    public String toString() {
        return String.join(" ", argv()) + " <<" + lines;
    }
}
