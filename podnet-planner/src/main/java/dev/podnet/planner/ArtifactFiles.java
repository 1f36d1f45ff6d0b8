package dev.podnet.planner;

import dev.podnet.planner.report.Artifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes artifacts all or nothing: into a fresh directory beside the target, then each file moved into place, so a
 * failure (a full disk, a bad path) leaves no half-written set behind.
 */
public final class ArtifactFiles {
    private ArtifactFiles() {
    }

    public static void write(Path dir, List<Artifact> artifacts) {
        Path target = dir.toAbsolutePath().normalize();
        Path staging = null;
        try {
            if (Files.exists(target) && !Files.isDirectory(target)) {
                throw new FileAlreadyExistsException(target + " exists and is not a directory");
            }
            Files.createDirectories(target.getParent());
            staging = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".podnet-");
            for (Artifact a : artifacts) {
                Path file = staging.resolve(a.path()).normalize();
                if (!file.startsWith(staging)) {
                    throw new IllegalStateException("artifact path escapes the output directory: " + a.path());
                }
                Files.createDirectories(file.getParent());
                Files.writeString(file, a.content());
                if (a.path().endsWith(".sh")) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            Files.createDirectories(target);
            for (Artifact a : artifacts) {
                Path destination = target.resolve(a.path());
                Files.createDirectories(destination.getParent());
                Files.move(staging.resolve(a.path()), destination, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write artifacts to " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(staging);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Only the staging directory is left behind; the target is untouched.
        }
    }
}
