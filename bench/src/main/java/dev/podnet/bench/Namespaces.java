package dev.podnet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The network namespaces of one bench run, all named with its random prefix. They are made and deleted in one
 * {@code ip -batch} each (a thousand pods would otherwise cost a thousand execs of ip); close deletes every name
 * ever asked for, so a half-made set goes too.
 */
final class Namespaces implements AutoCloseable {
    private final String prefix;
    private final List<String> names = new ArrayList<>();

    Namespaces(String prefix) {
        if (prefix == null || !prefix.matches("pnb[0-9a-z]{1,8}")) {
            throw new IllegalArgumentException("--prefix must be pnb followed by up to 8 letters or digits");
        }
        this.prefix = prefix;
    }

    /** Makes PREFIX + each suffix; returns the names. */
    List<String> add(List<String> suffixes) {
        List<String> made = suffixes.stream().map(s -> prefix + s).toList();
        names.addAll(made);
        Exec.Outcome o = batch("", "netns add", made);
        if (o.exit() != 0) {
            throw new IllegalStateException("ip netns add failed: " + o.output().strip());
        }
        return made;
    }

    String add(String suffix) {
        return add(List.of(suffix)).getFirst();
    }

    /** How many namespaces with this run's prefix exist. */
    long left() {
        return Exec.run(List.of("ip", "netns", "list"), Map.of(), "").output().lines()
                .filter(l -> l.startsWith(prefix)).count();
    }

    @Override
    public void close() {
        batch("-force", "netns del", names.reversed());
        names.clear();
    }

    private static Exec.Outcome batch(String flag, String command, List<String> names) {
        List<String> ip = new ArrayList<>(List.of("ip"));
        if (!flag.isEmpty()) {
            ip.add(flag);
        }
        ip.addAll(List.of("-batch", "-"));
        StringBuilder lines = new StringBuilder();
        names.forEach(n -> lines.append(command).append(' ').append(n).append('\n'));
        return Exec.run(ip, Map.of(), lines.toString());
    }
}
