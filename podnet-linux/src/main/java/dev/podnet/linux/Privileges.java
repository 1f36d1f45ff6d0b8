package dev.podnet.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What this process may do to the kernel's network state. */
public final class Privileges {
    private Privileges() {
    }

    /**
     * Whether the effective user is root, which creating namespaces and veths needs. Read from /proc (the second
     * field of "Uid:" is the effective uid) because Java has no call for it.
     */
    public static boolean root() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("Uid:")).findFirst()
                    .map(l -> l.split("\\s+")[2].equals("0")).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }
}
