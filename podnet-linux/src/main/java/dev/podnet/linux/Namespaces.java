package dev.podnet.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Named network namespaces ({@code ip netns}): what a test or a single-host setup creates to play several nodes. */
public final class Namespaces {
    /** Where {@code ip netns} keeps the names. */
    public static final Path NETNS_DIR = Path.of("/var/run/netns");

    private final Exec exec;

    public Namespaces(Exec exec) {
        this.exec = exec;
    }

    public boolean exists(String name) {
        return Files.exists(NETNS_DIR.resolve(NetNamespace.named(name).name().orElseThrow()));
    }

    /** The names of every named namespace, sorted. */
    public List<String> list() {
        if (!Files.isDirectory(NETNS_DIR)) {
            return List.of();
        }
        try (Stream<Path> names = Files.list(NETNS_DIR)) {
            return names.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + NETNS_DIR, e);
        }
    }

    /** Creates namespace {@code name} with its loopback up. */
    public NetNamespace add(String name) {
        NetNamespace ns = NetNamespace.named(name);
        check(exec.run(List.of("ip", "netns", "add", name), ""), "ip netns add " + name);
        IpBatch.ip(ns).add("link", "set", "lo", "up").run(exec);
        return ns;
    }

    /** Deletes namespace {@code name} and so every link inside it; a name that is already gone is not an error. */
    public void delete(String name) {
        if (!exists(name)) {
            return;
        }
        check(exec.run(List.of("ip", "netns", "del", name), ""), "ip netns del " + name);
    }

    private static void check(Exec.Result r, String what) {
        if (!r.ok()) {
            throw new LinuxException(what + " (exit " + r.exit() + "): " + r.err().strip());
        }
    }
}
