package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cli.Main;
import dev.podnet.lab.LabStatus;
import dev.podnet.linux.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed scenario end to end, each step as a user runs it: {@code podnet plan examples/custom-networking.yaml
 * --out-dir}; {@code podnet vpcsim --fabric} serving the VPC that plan is for (examples/vpcsim-custom-networking.yaml,
 * three m5.large nodes); the plan's {@code vpc-setup.sh} run unchanged by bash and the AWS CLI against it (kubectl a
 * stub that keeps the ENIConfigs it is asked to apply); {@code podnet lab up} joining that fabric in custom-networking
 * mode with those ENIConfigs. Every pod gets an address in its zone's 100.64 pod subnet, none on a primary ENI, and
 * every pod reaches every other.
 */
@Tag("netns")
class SeedScenarioNetnsTest {
    private static final Pattern ENDPOINT = Pattern.compile("EC2 Query API on (http://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern POD_SUBNET = Pattern.compile("POD_SUBNET_(EU_WEST_1[ABC])=(subnet-[0-9a-f]+)");
    /** The zones' pod subnets, as examples/custom-networking.yaml plans them. */
    private static final Map<String, String> POD_CIDRS = Map.of("EU_WEST_1A", "100.64.0.0/17",
            "EU_WEST_1B", "100.64.128.0/18", "EU_WEST_1C", "100.64.192.0/18");
    /** The node subnets of examples/vpcsim-custom-networking.yaml, by zone. */
    private static final Map<String, String> NODE_SUBNETS = Map.of("subnet-0cafe000000000001", "EU_WEST_1A",
            "subnet-0cafe000000000002", "EU_WEST_1B", "subnet-0cafe000000000003", "EU_WEST_1C");

    @TempDir
    Path home;
    private final String name = "seed" + Integer.toHexString(new SecureRandom().nextInt(0x10000, 0xfffff));
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void requireTools() {
        Assumptions.assumeTrue(Privileges.root(), "the fabric and the lab need root");
        for (String tool : List.of("aws", "envsubst", "bash")) {
            Assumptions.assumeTrue(Processes.run(List.of("sh", "-c", "command -v " + tool), Duration.ofSeconds(10))
                    .exit() == 0, tool + " is not on PATH; skipping the seed scenario");
        }
    }

    @AfterEach
    void stopAndClean() throws InterruptedException {
        for (Process p : processes.reversed()) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        List<String> left = namespaces();
        left.forEach(ns -> Processes.run(List.of("ip", "netns", "del", ns), Netns.IP_TIMEOUT));
        assertThat(left).as("namespaces left").isEmpty();
    }

    @Test
    void planThenVpcSetupThenLabPutsEveryPodInItsZonesPodSubnetAndAllReachEachOther() throws Exception {
        Path plan = home.resolve("plan");
        Processes.run(podnet("plan", "../examples/custom-networking.yaml", "--out-dir", plan.toString()),
                Duration.ofMinutes(1)).requireSuccess("podnet plan");

        Path vpcsimErr = home.resolve("vpcsim.err");
        Process vpcsim = start(vpcsimErr, "vpcsim", "--listen", "127.0.0.1:0", "--scenario",
                "../examples/vpcsim-custom-networking.yaml", "--fabric", name);
        await("vpcsim serving", Duration.ofSeconds(60), () -> ENDPOINT.matcher(read(vpcsimErr)).find(), vpcsim,
                vpcsimErr);
        Matcher endpoint = ENDPOINT.matcher(read(vpcsimErr));
        assertThat(endpoint.find()).isTrue();
        String url = endpoint.group(1);

        Processes.Result setup = Processes.run(List.of("bash", plan.resolve("vpc-setup.sh").toString()),
                awsEnvironment(url), "", Duration.ofMinutes(3)).requireSuccess("vpc-setup.sh");
        Map<String, String> podSubnets = new HashMap<>();
        Matcher m = POD_SUBNET.matcher(setup.out());
        while (m.find()) {
            podSubnets.put(m.group(1), m.group(2));
        }
        assertThat(podSubnets).hasSize(3);
        Path eniConfigs = home.resolve("kubectl.stdin");
        assertThat(Files.readString(eniConfigs)).contains("kind: ENIConfig", podSubnets.get("EU_WEST_1A"));

        Path status = home.resolve("lab.json");
        Path labErr = home.resolve("lab.err");
        long start = System.nanoTime();
        Process lab = start(labErr, "lab", "up", "--name", name, "--ec2-endpoint", url, "--nodes", "3",
                "--pods-per-node", "3", "--mode", "custom-networking", "--eniconfig-file", eniConfigs.toString(),
                "--status-file", status.toString());
        await("the lab's status file", Duration.ofMinutes(3), () -> Files.exists(status), lab, labErr);
        LabStatus labStatus = LabStatus.read(status);
        assertThat(labStatus.pods()).hasSize(9);
        for (LabStatus.Pod pod : labStatus.pods()) {
            LabStatus.Node node = labStatus.nodes().stream().filter(n -> n.name().equals(pod.node())).findFirst()
                    .orElseThrow();
            String zone = NODE_SUBNETS.get(node.enis().getFirst().subnet());
            assertThat(pod.subnet()).as(pod.name() + " in its zone's pod subnet").isEqualTo(podSubnets.get(zone));
            assertThat(pod.ips()).singleElement().satisfies(ip -> assertThat(inside(ip, POD_CIDRS.get(zone)))
                    .as(ip + " in " + POD_CIDRS.get(zone)).isTrue());
            assertThat(pod.eni()).as("not the primary ENI").isNotEqualTo(node.enis().getFirst().id());
        }

        Processes.Result ping = Processes.run(podnet("lab", "ping", "--status-file", status.toString()),
                Duration.ofMinutes(1));
        System.out.printf("seed scenario: lab up to all pods reachable in %d ms%n%s",
                (System.nanoTime() - start) / 1_000_000, ping.out());
        assertThat(ping.exit()).as(ping.toString()).isZero();

        lab.destroy(); // SIGTERM: DEL every pod, stop the agents, remove the pods' namespaces
        assertThat(lab.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(lab.exitValue()).as(read(labErr)).isZero();
        assertThat(status).doesNotExist();
        assertThat(namespaces()).as("the joined fabric stays, the pods go").allMatch(ns -> !ns.contains("-pod-"));
        vpcsim.destroy();
        assertThat(vpcsim.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(namespaces()).isEmpty();
    }

    /** The command line of {@code podnet ARGS}: this build's CLI in a JVM of its own, as a user runs it. */
    private static List<String> podnet(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** {@code podnet ARGS} started and left running; stdout and stderr into {@code err}. */
    private Process start(Path err, String... args) throws IOException {
        Process p = new ProcessBuilder(podnet(args)).redirectErrorStream(true).redirectOutput(err.toFile()).start();
        processes.add(p);
        return p;
    }

    private static void await(String what, Duration bound, BooleanSupplier done, Process process, Path log)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!done.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + bound + " (process "
                        + (process.isAlive() ? "running" : "exited " + process.exitValue()) + "):\n" + read(log));
            }
            Thread.sleep(100); // polling a file another process writes; the bound above ends the wait
        }
    }

    /** What the AWS CLI needs to talk to vpcsim only: its endpoint, made-up keys, no profile, no metadata. */
    private Map<String, String> awsEnvironment(String url) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path kubectl = bin.resolve("kubectl");
        Files.writeString(kubectl, "#!/bin/sh\ncat > \"$HOME/kubectl.stdin\"\n");
        kubectl.toFile().setExecutable(true);
        return Map.of("PATH", bin + ":" + System.getenv("PATH"), "HOME", home.toString(),
                "AWS_ENDPOINT_URL_EC2", url, "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "x",
                "AWS_EC2_METADATA_DISABLED", "true", "AWS_CONFIG_FILE", home.resolve("config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString(), "AWS_MAX_ATTEMPTS", "1");
    }

    private List<String> namespaces() {
        return Processes.run(List.of("ip", "netns", "list"), Netns.IP_TIMEOUT).out().lines()
                .map(l -> l.split("\\s+")[0]).filter(n -> n.startsWith(name + "-")).toList();
    }

    private static boolean inside(String ip, String cidr) {
        return dev.podnet.net.Cidr.parse(cidr).contains(dev.podnet.net.Cidr.parse(ip + "/32"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
