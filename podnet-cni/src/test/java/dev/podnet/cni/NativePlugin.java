package dev.podnet.cni;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The plugin installed as {@code podnet install-cni} installs it; {@link #run} execs it as a runtime does. */
final class NativePlugin {
    record Run(int status, String out, String err) {
    }

    final Path executable;

    NativePlugin(Path dir) throws IOException {
        executable = Installer.install(dir).plugin();
    }

    /** Runs the executable with exactly this environment and stdin. */
    Run run(Map<String, String> env, byte[] stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(executable.toString()));
            pb.environment().clear();
            pb.environment().putAll(env);
            Path out = Files.createTempFile("podnet-native", ".out");
            Path err = Files.createTempFile("podnet-native", ".err");
            try {
                Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException e) {
                    // the plugin stopped reading: what it printed says why
                }
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("the native plugin did not finish within 60 s");
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
