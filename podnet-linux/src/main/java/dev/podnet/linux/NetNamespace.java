package dev.podnet.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which network namespace a command acts on: a named one ({@code ip netns} names, under /var/run/netns), one given
 * by a path (a container runtime's CNI_NETNS, e.g. {@code /proc/PID/ns/net}, entered with {@code nsenter --net}),
 * or, when both are empty, the namespace this process runs in. Every command line that podnet-linux builds starts
 * from here, so a component configured for a namespace cannot reach another one by accident.
 */
public record NetNamespace(Optional<String> name, Optional<Path> path) {
    public NetNamespace {
        name.ifPresent(n -> {
            if (!n.matches("[A-Za-z0-9_.-]{1,64}") || n.equals(".") || n.equals("..")) {
                throw new IllegalArgumentException("\"" + n + "\" is not a network namespace name (letters, digits, _ . -)");
            }
        });
        path.ifPresent(p -> {
            if (!p.isAbsolute() || !SAFE_PATH.matcher(p.toString()).matches()) {
                throw new IllegalArgumentException("\"" + p + "\" is not an absolute network namespace path");
            }
        });
        if (name.isPresent() && path.isPresent()) {
            throw new IllegalArgumentException("a namespace has a name or a path, not both");
        }
    }

    private static final java.util.regex.Pattern SAFE_PATH = java.util.regex.Pattern.compile("[A-Za-z0-9_./:@+-]{1,4000}");

    /** The namespace of this process. */
    public static NetNamespace current() {
        return new NetNamespace(Optional.empty(), Optional.empty());
    }

    public static NetNamespace named(String name) {
        return new NetNamespace(Optional.of(name), Optional.empty());
    }

    /**
     * The namespace at {@code path}: a path under /var/run/netns (or /run/netns) becomes its name, so {@code ip -n}
     * reaches it without a second process; any other path is entered with nsenter.
     */
    public static NetNamespace at(Path path) {
        Path normal = path.normalize();
        Path parent = normal.getParent();
        if (parent != null && (parent.equals(Namespaces.NETNS_DIR) || parent.equals(Path.of("/run/netns")))
                && normal.getFileName().toString().matches("[A-Za-z0-9_.-]{1,64}")) {
            return named(normal.getFileName().toString());
        }
        return new NetNamespace(Optional.empty(), Optional.of(normal));
    }

    /** Whether the namespace can be entered: the current one always, a named one or a path while its file exists. */
    public boolean exists() {
        return name.map(n -> Files.exists(Namespaces.NETNS_DIR.resolve(n))).orElseGet(() -> path.map(Files::exists).orElse(true));
    }

    /**
     * How {@code ip link ... netns TARGET} names this namespace, to send a link there: its name, its path, or this
     * process's pid when it is the namespace this process runs in.
     */
    String linkTarget() {
        return name.or(() -> path.map(Object::toString)).orElseGet(() -> Long.toString(ProcessHandle.current().pid()));
    }

    /** {@code [tool, -n, NAME]}, {@code [nsenter, --net=PATH, tool]} or {@code [tool]}. */
    List<String> iproute(String tool) {
        List<String> argv = new ArrayList<>();
        path.ifPresent(p -> argv.addAll(List.of("nsenter", "--net=" + p)));
        argv.add(tool);
        name.ifPresent(n -> argv.addAll(List.of("-n", n)));
        return argv;
    }

    /** Any other command: wrapped in {@code ip netns exec NAME} or {@code nsenter --net=PATH}. */
    List<String> exec(List<String> command) {
        List<String> argv = new ArrayList<>();
        name.ifPresent(n -> argv.addAll(List.of("ip", "netns", "exec", n)));
        path.ifPresent(p -> argv.addAll(List.of("nsenter", "--net=" + p)));
        argv.addAll(command);
        return argv;
    }

    @Override
    public String toString() {
        return name.map(n -> "netns " + n).orElseGet(() -> path.map(p -> "netns " + p).orElse("the current netns"));
    }
}
