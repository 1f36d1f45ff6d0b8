package dev.podnet.cli.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The smallest image a container runtime runs: one static binary that sleeps until SIGTERM, as an OCI image
 * tarball for {@code ctr image import}, written by {@code bin/lib/oci-image.sh} as the podnet image is. A test
 * machine can pull no image, so a test builds it.
 */
final class SleeperImage {
    /** The repository's OCI tarball writer; Maven runs the tests in podnet-cli. */
    static final Path OCI_IMAGE = Path.of("../bin/lib/oci-image.sh");
    /** gcc and gzip take about a second; the bound only keeps a wedged compiler from hanging the build. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** As PID 1 the process gets no default action for SIGTERM: without a handler, `ctr task kill` would do nothing. */
    private static final String SLEEPER = """
            #include <signal.h>
            #include <unistd.h>
            static void stop(int sig) { (void) sig; _exit(0); }
            int main(void) { signal(SIGTERM, stop); for (;;) pause(); }
            """;

    private SleeperImage() {
    }

    /** Builds the image named {@code name} in {@code dir} and returns the tarball's path. */
    static Path build(Path dir, String name) throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Path source = Files.writeString(dir.resolve("sleeper.c"), SLEEPER);
        Processes.run(List.of("gcc", "-static", "-O2", "-o", rootfs.resolve("sleeper").toString(), source.toString()),
                TIMEOUT).requireSuccess("gcc sleeper.c");
        Path image = dir.resolve("image.tar");
        Processes.run(List.of("bash", OCI_IMAGE.toString(), rootfs.toString(), "{\"Entrypoint\":[\"/sleeper\"]}", name,
                image.toString()), TIMEOUT).requireSuccess("oci-image.sh");
        return image;
    }
}
