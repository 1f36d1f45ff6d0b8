package dev.podnet.agent;

import dev.podnet.cni.NodeConflist;
import dev.podnet.net.ControlLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Writes the node's CNI conflist only once the agent can address a pod ({@code podnet agent --conflist}). The
 * kubelet reports a node Ready as soon as /etc/cni/net.d holds a network, so a conflist written before the agent has
 * addresses lets the scheduler send pods that then fail sandbox creation until the warm pool fills
 * (aws/amazon-vpc-cni-k8s#1724, #2808); aws-node's entrypoint waits for ipamd for the same reason. The file is kept
 * at stop: a node whose agent restarts keeps its pods, whose CNI calls meanwhile answer "try again" (code 11).
 */
public final class ConflistWhenReady {
    /** Once written, a slower check that the file is still there (a node cleanup may have removed it). */
    static final Duration RECHECK = Duration.ofMinutes(1);

    private ConflistWhenReady() {
    }

    /** One check: writes the conflist when the agent is ready and the file is missing or differs; true once there. */
    static boolean pass(Readiness readiness, Path file, String agentSocket, String pool) throws IOException {
        String wanted = NodeConflist.json(agentSocket, pool);
        if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(wanted)) {
            return true;
        }
        if (!readiness.ready()) {
            return false;
        }
        NodeConflist.write(file, agentSocket, pool);
        System.err.println("podnet agent: " + readiness.reason() + "; wrote " + file);
        return true;
    }

    /** Checks every {@code every} until written, then every {@link #RECHECK}. */
    public static ControlLoop start(Supplier<Readiness> readiness, Path file, String agentSocket, String pool,
                                    Duration every) {
        ControlLoop.Wait soon = new ControlLoop.Wait(every, false);
        ControlLoop.Wait later = new ControlLoop.Wait(RECHECK, false);
        return new ControlLoop("podnet-conflist", () -> {
            try {
                return pass(readiness.get(), file, agentSocket, pool) ? later : soon;
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
            }
        }, soon).start();
    }
}
