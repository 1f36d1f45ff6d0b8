package dev.podnet.cli.netns;

import dev.podnet.cni.Installer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@code podnet-ipam} plugin installed as {@code podnet install-cni --dir DIR} installs it (native executable,
 * Java fallback): {@code @RegisterExtension static final PodnetIpamPlugin plugin = new PodnetIpamPlugin();}.
 * It is installed once per test run, kept in JUnit's root store, which deletes the directory when the run ends;
 * the installed files are never changed after that.
 */
final class PodnetIpamPlugin implements BeforeAllCallback {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(PodnetIpamPlugin.class);

    private Installed installed;

    /** One installation directory; closing it (at the end of the run) deletes it. */
    private record Installed(Path dir, Path launcher) implements AutoCloseable {
        static Installed create() {
            try {
                Path dir = Files.createTempDirectory("podnet-cni-bin");
                return new Installed(dir, Installer.install(dir).plugin());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        installed = context.getRoot().getStore(STORE)
                .getOrComputeIfAbsent(Installed.class, k -> Installed.create(), Installed.class);
    }

    /** The CNI bin directory holding {@code podnet-ipam}. */
    Path dir() {
        return installed().dir();
    }

    /** {@code DIR/podnet-ipam}, the native executable a runtime (or a main plugin) executes. */
    Path launcher() {
        return installed().launcher();
    }

    /** {@code DIR/podnet}, the main plugin: the same native executable under the main plugin's name. */
    Path mainPlugin() {
        return installed().dir().resolve("podnet");
    }

    /** CNI_PATH for the reference plugins to find podnet-ipam: {@code /usr/lib/cni:DIR}. */
    String cniPath() {
        return Netns.REFERENCE_PLUGINS + ":" + dir();
    }

    private Installed installed() {
        if (installed == null) {
            throw new IllegalStateException("register PodnetIpamPlugin on a static field so beforeAll installs it");
        }
        return installed;
    }
}
