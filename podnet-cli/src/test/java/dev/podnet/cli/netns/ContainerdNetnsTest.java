package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.net.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real runtime drives podnet: Debian's containerd runs a container with {@code ctr run --cni}, whose libcni
 * runs the reference bridge plugin with {@code podnet-ipam} under it, which takes the address from a node agent.
 * containerd, ctr and the bridge live in the test's node namespace (see {@link Containerd} for the mount namespace
 * that gives ctr the test's network configuration and plugins).
 *
 * <p>ctr (1.6) makes the CNI calls itself, not the daemon: ADD between creating and starting the task, and DEL in
 * the foreground {@code ctr run} once its task has exited, before it deletes the task. A detached run
 * ({@code ctr run -d}) never calls DEL, so the test runs ctr in the foreground and ends the task with {@code ctr task kill}.
 */
@Tag("netns")
@ExtendWith(Netns.Required.class)
class ContainerdNetnsTest {
    private static final String POOL = "10.206.9.";
    private static final String IMAGE = "podnet.test/sleeper:1";
    private static final String ID = "sleeper";
    /** What ctr passes as CNI_CONTAINERID: containerd namespace and container id. */
    private static final String CONTAINER_ID = Containerd.NAMESPACE + "-" + ID;
    private static final Duration TASK_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PodnetIpamPlugin PLUGIN = new PodnetIpamPlugin();
    @RegisterExtension
    final Netns net = new Netns();
    @TempDir
    Path dir;

    @Test
    void ctrRunWithCniTakesAnAgentAddressAndDelReleasesItWhenTheTaskEnds() throws Exception {
        Containerd.missing().ifPresent(Assumptions::abort);
        String node = net.add("node");
        Set<String> namedNetnsBefore = namedNetns();
        String bridge = net.prefix() + "br";
        Path cniBin = Files.createDirectories(dir.resolve("cni-bin"));
        try (TestAgent agent = TestAgent.start(dir, "default=" + POOL + "0/24")) {
            Path netConf = Files.createDirectories(dir.resolve("net.d"));
            Files.writeString(netConf.resolve("10-podnet-test.conflist"), """
                    {"cniVersion":"1.0.0","name":"podnet-test","plugins":[{"type":"bridge","bridge":"%s","isGateway":true,
                     "ipam":{"type":"podnet-ipam","agentSocket":"%s"}}]}""".formatted(bridge, agent.socket()));
            for (Path plugin : List.of(Netns.REFERENCE_PLUGINS.resolve("bridge"), PLUGIN.launcher())) {
                Files.createSymbolicLink(cniBin.resolve(plugin.getFileName()), plugin);
            }
            try (Containerd containerd = Containerd.start(net, node, dir.resolve("containerd"), netConf, cniBin)) {
                System.out.println(containerd.ctrOk("image", "import", SleeperImage.build(dir.resolve("image"), IMAGE)
                        .toString()).out().strip());

                Path runLog = dir.resolve("ctr-run.log");
                Process run = containerd.ctrInBackground(runLog, "run", "--cni", "--net-host=false", "--null-io", IMAGE, ID);
                long task;
                try {
                    task = awaitRunning(containerd, run, runLog);
                    System.out.println("$ ctr task ls\n" + containerd.ctrOk("task", "ls").out().strip());
                    String address = eth0Address(task);
                    System.out.println("the container's eth0: " + address);
                    assertThat(address).startsWith(POOL).endsWith("/24");
                    assertThat(Cni.host(address)).isNotIn(POOL + "0", POOL + "1", POOL + "255");
                    assertThat(agent.addressesOf(CONTAINER_ID)).as("the agent holds the container's address")
                            .containsExactly(address);
                    System.out.println("the agent holds: " + agent.status().allocations());
                    assertThat(ports(node, bridge)).as("the container's veth on the bridge").hasSize(1);

                    // SIGTERM ends the sleeper; the foreground ctr run then runs DEL through libcni and deletes the task
                    containerd.ctrOk("task", "kill", ID);
                    assertThat(run.waitFor(TASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("ctr run ends with its task")
                            .isTrue();
                } finally {
                    run.destroyForcibly(); // only when the test failed before the task ended
                }
                System.out.println("$ ctr run ... (exit " + run.exitValue() + ")\n" + Files.readString(runLog).strip());
                assertThat(run.exitValue()).as(Files.readString(runLog)).isZero();
                String tasks = containerd.ctrOk("task", "ls").out();
                System.out.println("$ ctr task ls\n" + tasks.strip());
                assertThat(tasks).as("ctr run deleted the task").doesNotContain(ID);
                containerd.ctrOk("container", "delete", ID);
                System.out.println("$ ctr container delete " + ID + "\n$ ctr container ls\n"
                        + containerd.ctrOk("container", "ls").out().strip());

                assertThat(agent.addressesOf(CONTAINER_ID)).as("DEL released the address").isEmpty();
                AgentReply.PoolStatus pool = agent.status().pools().getFirst();
                assertThat(pool.used()).isZero();
                assertThat(ProcessHandle.of(task)).as("the container's process, the only holder of its netns").isEmpty();
                assertThat(ports(node, bridge)).as("veths left on the bridge").isEmpty();
                assertThat(net.ipOk(node, "-o", "link", "show", "type", "veth").out()).as("veths left").isBlank();
            }
            assertThat(namedNetns()).as("ctr pins no named netns").isEqualTo(namedNetnsBefore);
        } finally {
            // the links point outside the temporary directory, which JUnit warns about when it deletes them
            FileTrees.delete(cniBin);
            if (net.hasLink(node, bridge)) {
                net.ipOk(node, "link", "del", bridge);
            }
        }
        assertThat(net.hasLink(node, bridge)).isFalse();
    }

    /** Waits until ctr run's task is RUNNING (after CNI ADD) and returns its PID; fails early if ctr run exits. */
    private static long awaitRunning(Containerd containerd, Process run, Path log) throws Exception {
        long deadline = System.nanoTime() + TASK_TIMEOUT.toNanos();
        while (true) {
            var task = containerd.runningTask(ID);
            if (task.isPresent()) {
                return task.get();
            }
            if (!run.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the task did not start (ctr run " + (run.isAlive() ? "still running"
                        : "exited " + run.exitValue()) + "):\n" + Files.readString(log));
            }
            Thread.sleep(50); // ctr run pulls nothing: the task starts within a second
        }
    }

    /** eth0's IPv4 address in the container's netns, entered through its process as a runtime would. */
    private static String eth0Address(long task) {
        Processes.Result r = Processes.run(List.of("nsenter", "--net=/proc/" + task + "/ns/net", "ip", "-4", "-o",
                "addr", "show", "dev", "eth0"), Netns.IP_TIMEOUT).requireSuccess("ip addr show eth0 in the container");
        System.out.println("$ nsenter --net=/proc/" + task + "/ns/net ip -4 -o addr show dev eth0\n" + r.out().strip());
        List<String> addresses = r.out().lines().map(l -> l.trim().split("\\s+"))
                .filter(f -> f.length > 3 && f[2].equals("inet")).map(f -> f[3]).toList();
        assertThat(addresses).hasSize(1);
        return addresses.getFirst();
    }

    private List<String> ports(String node, String bridge) {
        return net.ipOk(node, "-o", "link", "show", "master", bridge).out().lines().filter(l -> !l.isBlank()).toList();
    }

    private static Set<String> namedNetns() throws Exception {
        if (!Files.isDirectory(Netns.NETNS_DIR)) {
            return Set.of();
        }
        try (Stream<Path> names = Files.list(Netns.NETNS_DIR)) {
            return names.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
