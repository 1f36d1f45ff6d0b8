package dev.podnet.cli.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion with a bounded wait. The three streams go through files, not pipes: no reader
 * threads, no pipe that fills up and stalls the child, and what a stuck command wrote so far can still be shown.
 */
final class Processes {
    /** The outcome of one command. */
    record Result(int exit, String out, String err) {
        /** @param what the command, for the failure message */
        Result requireSuccess(String what) {
            if (exit != 0) {
                throw new AssertionError(what + " exited " + exit + "\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private Processes() {
    }

    /**
     * @param env   added to this JVM's environment
     * @param stdin written to the command's standard input (empty for none)
     * @throws AssertionError when the command does not finish within {@code timeout}; it and its children are killed
     */
    static Result run(List<String> command, Map<String, String> env, String stdin, Duration timeout) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("podnet-proc");
            Path in = Files.writeString(dir.resolve("stdin"), stdin);
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            ProcessBuilder builder = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Children first: once the parent dies they are re-parented and no longer its descendants.
                List<ProcessHandle> children = process.descendants().toList();
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                        + "; killed it\nstdout so far: " + read(out) + "\nstderr so far: " + read(err));
            }
            return new Result(process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    static Result run(List<String> command, Duration timeout) {
        return run(command, Map.of(), "", timeout);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        for (String name : List.of("stdin", "stdout", "stderr")) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // as above
        }
    }
}
