package dev.podnet.cli.netns;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's containerd, run by a test in a test network namespace and a private mount namespace of its own
 * ({@code containerd-ns.sh}): its root, state and socket live in the test's directory, the CRI plugin is off, and
 * nothing listens on TCP. Inside that mount namespace {@code /etc/cni/net.d} and {@code /opt/cni/bin} show the test's
 * directories, so {@code ctr run --cni}, which reads only those fixed paths, runs the test's network and plugins
 * while the machine's own CNI directories are neither read nor written. Every {@code ctr} call joins both namespaces.
 * Closing it removes the containers left, stops containerd and kills whatever still runs in its mount namespace
 * (the shims outlive containerd by design).
 */
final class Containerd implements AutoCloseable {
    /** containerd's own namespace for the test's images and containers (not a Linux namespace). */
    static final String NAMESPACE = "podnet-test";
    /** One ctr call takes well under a second; the bound only keeps a wedged daemon from hanging the build. */
    static final Duration CTR_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Process unshare;
    private final long pid;
    private final String mountNamespace;

    private Containerd(Path dir, Process unshare, long pid, String mountNamespace) {
        this.dir = dir;
        this.unshare = unshare;
        this.pid = pid;
        this.mountNamespace = mountNamespace;
    }

    /** Why this machine cannot run containerd for a test, or empty when it can. */
    static Optional<String> missing() {
        for (String command : List.of("containerd", "ctr", "runc", "unshare", "nsenter", "gcc")) {
            if (Netns.onPath(command).isEmpty()) {
                return Optional.of("`" + command + "` is missing; install the Debian packages containerd, runc, "
                        + "util-linux and gcc (bin/test does)");
            }
        }
        return Optional.empty();
    }

    /**
     * Starts containerd in namespace {@code node} of {@code net} and waits until it answers.
     *
     * @param netConf the directory shown at /etc/cni/net.d
     * @param cniBin  the directory shown at /opt/cni/bin
     */
    static Containerd start(Netns net, String node, Path dir, Path netConf, Path cniBin) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("containerd.toml"), config(dir));
        Path script = resource(dir, "containerd-ns.sh");
        // the directories the script mounts are looked for under dir, where the script expects them
        Files.createSymbolicLink(dir.resolve("net.d"), netConf);
        Files.createSymbolicLink(dir.resolve("cni-bin"), cniBin);
        // nsenter, not `ip netns exec`: that one remounts /sys, which takes the cgroup mounts away from runc
        Process unshare = new ProcessBuilder("nsenter", "--net=" + net.path(node), "unshare", "--mount",
                "--propagation", "private", "bash", script.toString(), dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Path pidFile = dir.resolve("namespace.pid");
        while (!Files.exists(pidFile)) {
            awaitOrFail(unshare, dir, deadline, "containerd-ns.sh did not mount its directories");
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Containerd containerd = new Containerd(dir, unshare, pid,
                Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "mnt")).toString());
        while (containerd.ctr("version").exit() != 0) {
            try {
                awaitOrFail(unshare, dir, deadline, "containerd did not answer on its socket");
            } catch (AssertionError e) {
                containerd.close();
                throw e;
            }
        }
        return containerd;
    }

    /**
     * containerd's configuration: everything under {@code dir}, the CRI plugin (the part that serves a kubelet and
     * would run CNI itself) disabled; with no {@code tcp_address}, {@code debug} or {@code metrics} address set it
     * listens on its two unix sockets only.
     */
    private static String config(Path dir) {
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]
                [grpc]
                  address = "%1$s/containerd.sock"
                [ttrpc]
                  address = "%1$s/containerd.sock.ttrpc"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"
                """.formatted(dir);
    }

    /** Copies the test resource {@code name} (a script beside this class) into {@code dir}. */
    static Path resource(Path dir, String name) throws IOException {
        try (InputStream in = Containerd.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name + " beside " + Containerd.class.getName());
            }
            Path target = dir.resolve(name);
            Files.copy(in, target);
            return target;
        }
    }

    private static void awaitOrFail(Process unshare, Path dir, long deadline, String what) {
        if (!unshare.isAlive() || System.nanoTime() > deadline) {
            throw new AssertionError(what + " (" + (unshare.isAlive() ? "timed out" : "exited " + unshare.exitValue())
                    + "):\n" + log(dir));
        }
        try {
            Thread.sleep(50); // containerd starts in well under a second
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("containerd.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** {@code ctr ARGS} against this containerd, in its namespaces. */
    Processes.Result ctr(String... args) {
        return Processes.run(ctrCommand(args), CTR_TIMEOUT);
    }

    /** As {@link #ctr}, failing the test unless it succeeds. */
    Processes.Result ctrOk(String... args) {
        return ctr(args).requireSuccess("ctr " + String.join(" ", args));
    }

    /**
     * {@code ctr ARGS} started and left running (as {@code ctr run} in the foreground, which waits for its task),
     * both streams to {@code log}; the caller waits for it.
     */
    Process ctrInBackground(Path log, String... args) throws IOException {
        return new ProcessBuilder(ctrCommand(args)).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private List<String> ctrCommand(String... args) {
        List<String> command = new ArrayList<>(List.of("nsenter", "--target", Long.toString(pid), "--mount", "--net",
                "ctr", "--address", dir.resolve("containerd.sock").toString(), "--namespace", NAMESPACE));
        command.addAll(List.of(args));
        return command;
    }

    /** The PID of a task, from {@code ctr task ls}; empty while it has none or is not {@code RUNNING}. */
    Optional<Long> runningTask(String id) {
        for (String line : ctrOk("task", "ls").out().lines().skip(1).toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].equals(id) && f[2].equals("RUNNING")) {
                return Optional.of(Long.parseLong(f[1]));
            }
        }
        return Optional.empty();
    }

    /** The processes in containerd's mount namespace: containerd, shims, containers' processes. */
    List<ProcessHandle> processesInside() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> mountNamespace.equals(mountNamespaceOf(p)))
                    .flatMap(p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString())).stream()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String mountNamespaceOf(Path proc) {
        try {
            return Files.readSymbolicLink(proc.resolve("ns/mnt")).toString();
        } catch (IOException e) {
            return ""; // gone meanwhile, or a zombie
        }
    }

    /** Removes the containers left, stops containerd and kills what outlived it; fails if something stays. */
    @Override
    public void close() {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            for (String line : ctr("container", "ls", "--quiet").out().lines().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList()) {
                ctr("task", "kill", "--signal", "SIGKILL", line);
                ctr("task", "delete", "--force", line);
                ctr("container", "delete", line);
            }
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        await(ProcessHandle.of(pid).stream().toList());
        // the shims daemonize and outlive containerd; they, like anything else here, were started by this test
        List<ProcessHandle> left = processesInside();
        left.forEach(ProcessHandle::destroyForcibly);
        await(left);
        unshare.destroyForcibly();
        List<ProcessHandle> still = processesInside();
        if (!still.isEmpty()) {
            throw new AssertionError("processes still in containerd's mount namespace: " + still.stream()
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
        }
    }

    private static void await(List<ProcessHandle> processes) {
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }
}
