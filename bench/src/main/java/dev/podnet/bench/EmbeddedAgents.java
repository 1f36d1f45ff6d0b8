package dev.podnet.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stops the embedded agents that podnet-ipam started for a bench's data directories. Left alone, each would idle
 * for a minute after the bench, and one started inside a node namespace would keep that namespace (and its bridge)
 * alive after {@code ip netns del}. Each is found by the pid it logs in {@code DATADIR/podnet-ipam-agent.log} and
 * stopped only when that process is still the embedded agent of that directory (a pid can be reused).
 */
final class EmbeddedAgents {
    private static final Pattern PID = Pattern.compile("\\(pid (\\d+),");
    private static final String MAIN = "dev.podnet.cni.EmbeddedAgent";

    private EmbeddedAgents() {
    }

    /** Returns how many agents were still running. */
    static int stop(Path dataDir) {
        Path log = dataDir.resolve("podnet-ipam-agent.log");
        if (!Files.isRegularFile(log)) {
            return 0;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int stopped = 0;
        for (String line : lines) {
            Matcher m = PID.matcher(line);
            if (m.find()) {
                stopped += ProcessHandle.of(Long.parseLong(m.group(1)))
                        .filter(p -> servesDir(p, dataDir))
                        .map(EmbeddedAgents::terminate).orElse(0);
            }
        }
        return stopped;
    }

    private static boolean servesDir(ProcessHandle p, Path dataDir) {
        List<String> args = p.info().arguments().map(Arrays::asList).orElse(List.of());
        return args.contains(MAIN) && Path.of(args.getLast()).equals(dataDir);
    }

    /** SIGTERM first: the agent's shutdown hook closes its journals; SIGKILL if it does not go. */
    private static int terminate(ProcessHandle p) {
        p.destroy();
        try {
            p.onExit().get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 1;
    }
}
