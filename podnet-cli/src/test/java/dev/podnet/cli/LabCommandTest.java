package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.lab.LabStatus;
import dev.podnet.linux.Privileges;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/**
 * {@code podnet lab up} in this JVM, as a user runs it: the status file appears once every pod has its address,
 * {@code podnet lab ping} finds every pair reachable (same node and across nodes), SIGTERM removes everything.
 */
@Tag("netns")
class LabCommandTest {
    @TempDir
    Path dir;

    @Test
    void upWritesTheStatusPingSeesEveryPairAndSigtermLeavesNothing() throws Exception {
        Assumptions.assumeTrue(Privileges.root(), "the lab needs root (it creates network namespaces)");
        String name = "pl" + Integer.toString(new SecureRandom().nextInt(36 * 36 * 36 * 36), 36);
        Path status = dir.resolve("lab.json");
        StringWriter upOut = new StringWriter();
        StringWriter upErr = new StringWriter();
        long start = System.nanoTime();
        CompletableFuture<Integer> up = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"lab", "up",
                "--name", name, "--nodes", "2", "--pods-per-node", "2", "--status-file", status.toString()},
                new PrintWriter(upOut, true), new PrintWriter(upErr, true)));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!Files.exists(status)) {
                assertThat(up).as("lab up ended early: %s", upErr).isNotDone();
                assertThat(System.nanoTime()).as("no status file within 180 s: %s", upErr).isLessThan(deadline);
                Thread.sleep(100);
            }
            LabStatus lab = LabStatus.read(status);
            assertThat(lab.nodes()).hasSize(2);
            assertThat(lab.pods()).hasSize(4).allSatisfy(p -> assertThat(p.ips()).isNotEmpty());
            assertThat(lab.pods().stream().map(LabStatus.Pod::node).distinct()).hasSize(2);

            StringWriter out = new StringWriter();
            int ping = Main.run(new String[] {"lab", "ping", "--status-file", status.toString()},
                    new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("$ podnet lab ping (all reachable %d ms after lab up)%n%s", millis, out);
            assertThat(ping).as(out.toString()).isZero();
            assertThat(out.toString()).doesNotContain("--");
        } finally {
            Signal.raise(new Signal("TERM"));
            assertThat(up.get(120, TimeUnit.SECONDS)).as(upErr.toString()).isZero();
        }
        assertThat(namespaces(name)).as("namespaces left by lab " + name).isEmpty();
        assertThat(status).doesNotExist();
    }

    private static List<String> namespaces(String prefix) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "list").start();
        String text = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return text.lines().map(l -> l.split("\\s+")[0]).filter(n -> n.startsWith(prefix)).toList();
    }
}
