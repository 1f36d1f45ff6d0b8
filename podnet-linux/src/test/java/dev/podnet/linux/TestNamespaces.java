package dev.podnet.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Network namespaces for one test, named with a random prefix and all deleted afterwards (with every link inside):
 * {@code @RegisterExtension final TestNamespaces netns = new TestNamespaces();}. The test is skipped unless it runs
 * as root. Tests only configure these namespaces, never the root namespace. Shared with other modules' tests
 * through this module's test-jar.
 */
public final class TestNamespaces implements BeforeEachCallback, AfterEachCallback {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Exec exec = new ProcessExec();
    private final Namespaces namespaces = new Namespaces(exec);
    private final String prefix;
    private final SequencedSet<String> created = new LinkedHashSet<>();

    public TestNamespaces() {
        StringBuilder p = new StringBuilder("pl");
        for (int i = 0; i < 6; i++) {
            p.append((char) ('a' + RANDOM.nextInt(26)));
        }
        prefix = p.toString();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeTrue(Privileges.root(), "netns tests need root (they create network namespaces)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "`ip` is missing; install iproute2");
    }

    /** What runs the commands (real processes). */
    public Exec exec() {
        return exec;
    }

    /** The random prefix of this test's namespaces. */
    public String prefix() {
        return prefix;
    }

    /** Creates namespace PREFIX-name and returns an {@link Iproute} bound to it. */
    public Iproute add(String name) {
        String full = prefix + "-" + name;
        namespaces.add(full);
        created.add(full);
        return new Iproute(exec, NetNamespace.named(full));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> problems = new ArrayList<>();
        for (String ns : created.reversed()) {
            try {
                namespaces.delete(ns);
            } catch (LinuxException e) {
                problems.add(e.getMessage());
            }
        }
        created.clear();
        try (Stream<Path> left = Files.exists(Namespaces.NETNS_DIR) ? Files.list(Namespaces.NETNS_DIR) : Stream.empty()) {
            left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix + "-"))
                    .forEach(n -> problems.add("namespace " + n + " is still there"));
        } catch (IOException e) {
            problems.add("cannot list " + Namespaces.NETNS_DIR + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("cleaning up the test's namespaces: " + String.join("; ", problems));
        }
    }
}
