package dev.podnet.cli.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The smallest image a container runtime runs: one static binary that sleeps until SIGTERM, as an OCI image
 * tarball for {@code ctr image import} ({@code oci-image.sh}). A test machine can pull no image, so a test builds it.
 */
final class SleeperImage {
    /** gcc and gzip take about a second; the bound only keeps a wedged compiler from hanging the build. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private SleeperImage() {
    }

    /** Builds the image named {@code name} in {@code dir} and returns the tarball's path. */
    static Path build(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path script = Containerd.resource(dir, "oci-image.sh");
        Processes.run(List.of("bash", script.toString(), dir.toString(), name), TIMEOUT)
                .requireSuccess("oci-image.sh");
        return dir.resolve("image.tar");
    }
}
