package dev.podnet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One timed exec, as a container runtime does it: start the process with the CNI environment, write the
 * configuration to its stdin, read its stdout to the end, wait for its exit. The time covers all of that.
 */
final class Exec {
    record Outcome(long nanos, int exit, String output) {
    }

    private Exec() {
    }

    static Outcome run(List<String> command, Map<String, String> env, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().putAll(env);
        long start = System.nanoTime();
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // a process that exits without reading stdin (/bin/true) closes the pipe first
            }
            byte[] out;
            try (InputStream o = p.getInputStream()) {
                out = o.readAllBytes();
            }
            int exit = p.waitFor();
            long took = System.nanoTime() - start;
            return new Outcome(took, exit, new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The CNI_* variables of one call. */
    static Map<String, String> cniEnv(String command, String containerId, String netns, String ifName, String cniPath) {
        return Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", containerId, "CNI_NETNS", netns,
                "CNI_IFNAME", ifName, "CNI_PATH", cniPath);
    }
}
