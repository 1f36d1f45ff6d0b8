package dev.podnet.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which network namespace a command acts on: a named one ({@code ip netns} names, under /var/run/netns) or, when
 * empty, the namespace this process runs in. Every command line that podnet-linux builds starts from here, so a
 * component configured for a namespace cannot reach another one by accident.
 */
public record NetNamespace(Optional<String> name) {
    public NetNamespace {
        name.ifPresent(n -> {
            if (!n.matches("[A-Za-z0-9_.-]{1,64}") || n.equals(".") || n.equals("..")) {
                throw new IllegalArgumentException("\"" + n + "\" is not a network namespace name (letters, digits, _ . -)");
            }
        });
    }

    /** The namespace of this process. */
    public static NetNamespace current() {
        return new NetNamespace(Optional.empty());
    }

    public static NetNamespace named(String name) {
        return new NetNamespace(Optional.of(name));
    }

    /** {@code [tool, -n, NAME]} or {@code [tool]}: iproute2's tools switch namespace themselves with -n. */
    List<String> iproute(String tool) {
        List<String> argv = new ArrayList<>(List.of(tool));
        name.ifPresent(n -> argv.addAll(List.of("-n", n)));
        return argv;
    }

    /** Any other command: wrapped in {@code ip netns exec NAME} when a namespace is named. */
    List<String> exec(List<String> command) {
        List<String> argv = new ArrayList<>();
        name.ifPresent(n -> argv.addAll(List.of("ip", "netns", "exec", n)));
        argv.addAll(command);
        return argv;
    }

    @Override
    public String toString() {
        return name.map(n -> "netns " + n).orElse("the current netns");
    }
}
