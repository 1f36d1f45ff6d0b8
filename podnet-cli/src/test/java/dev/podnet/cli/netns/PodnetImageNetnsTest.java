package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.cli.Main;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.net.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

/**
 * The podnet image as a node runs it: {@code bin/podnet-image} writes the OCI tarball once for the class, Debian's
 * containerd imports it (see {@link Containerd}), and {@code ctr run} runs {@code podnet --version},
 * {@code podnet install-cni} into a directory of the test's, and the agent against {@code podnet vpcsim}. The agent's
 * container shares the test's node namespace ({@code --net-host}), where vpcsim listens on 127.0.0.1; its socket
 * directory is bind-mounted from the test's, so the test asks it from here.
 * {@code --no-node-setup} keeps the agent from changing the namespace's routes, rules and sysctls.
 *
 * <p>The image is made from podnet-cli/target as the last package left it: inside Maven's test phase a second
 * Maven build must not run, so a checkout never packaged skips the class.
 */
@Tag("netns")
@ExtendWith(Netns.Required.class)
class PodnetImageNetnsTest {
    private static final Path PODNET_IMAGE = Path.of("../bin/podnet-image");
    private static final Path CLI = Path.of("target");
    /** jdeps, jlink and gzip of ~150 MB take under a minute on two cores; the bound is for a loaded machine. */
    private static final Duration BUILD_TIMEOUT = Duration.ofSeconds(300);
    /** The agent's JVM starts and the warm pool's first EC2 round answers within seconds. */
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ENDPOINT = Pattern.compile("EC2 Query API on (http://127\\.0\\.0\\.1:\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path imageDir;
    private static Path image;
    private static String name;

    @RegisterExtension
    final Netns net = new Netns();
    @TempDir
    Path dir;

    @BeforeAll
    static void buildImage() {
        Containerd.missing().ifPresent(Assumptions::abort);
        Assumptions.assumeTrue(Files.isRegularFile(CLI.resolve("podnet-cli.jar")) && Files.isDirectory(CLI.resolve("lib")),
                "podnet is not packaged (podnet-cli/target/podnet-cli.jar); run bin/podnet --version once, as .ci/run does");
        image = imageDir.resolve("podnet-image.tar");
        long start = System.nanoTime();
        String out = Processes.run(List.of("bash", PODNET_IMAGE.toString(), "--no-build", image.toString()), BUILD_TIMEOUT)
                .requireSuccess("bin/podnet-image").out().strip();
        name = out.split(" ")[0];
        System.out.printf("$ bin/podnet-image --no-build %s (%.1f s)%n%s%nimage size: %d bytes (%.1f MB)%n", image,
                (System.nanoTime() - start) / 1e9, out, size(image), size(image) / 1e6);
    }

    /** The image's absolute links (/usr/sbin/iptables -> /etc/alternatives/...) make JUnit warn as it deletes them. */
    @AfterEach
    void deleteContainerdsSnapshots() throws IOException {
        FileTrees.delete(dir.resolve("containerd"));
    }

    @Test
    void theImageIsAnOciLayoutWithPodnetsLabelsThatRunsPodnetVersionAndInstallsTheCniPlugins() throws Exception {
        JsonNode config = imageConfig();
        System.out.println("the image's config: " + config);
        assertThat(config.path("architecture").asText()).isEqualTo(dpkgArchitecture());
        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("config").path("Entrypoint").toString()).isEqualTo("[\"/usr/local/bin/podnet\"]");
        JsonNode labels = config.path("config").path("Labels");
        assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo("podnet");
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(mavenVersion());

        String node = net.add("node");
        try (Containerd containerd = startAndImport(node)) {
            String out = containerd.ctrOk("run", "--rm", name, "version", "podnet", "--version").out();
            System.out.println("$ ctr run --rm " + name + " version podnet --version\n" + out.strip());
            assertThat(out.strip()).isEqualTo(Main.class.getAnnotation(Command.class).version()[0]);

            // the DaemonSet's init container: the plugins land in the node's CNI directory, mounted at /host/opt/cni/bin
            Path hostCniBin = Files.createDirectories(dir.resolve("host-cni-bin"));
            List<String> install = List.of("run", "--rm", "--mount", "type=bind,src=" + hostCniBin
                    + ",dst=/host/opt/cni/bin,options=rbind:rw", name, "install-cni", "podnet", "install-cni", "--dir",
                    "/host/opt/cni/bin");
            System.out.println("$ ctr " + String.join(" ", install) + "\n"
                    + containerd.ctrOk(install.toArray(String[]::new)).out().strip());
            // the native executable answers VERSION itself, on the host, with no agent and no JVM
            String version = Processes.run(List.of(hostCniBin.resolve("podnet-ipam").toString()),
                    Map.of("CNI_COMMAND", "VERSION"), "", Duration.ofSeconds(10)).requireSuccess("podnet-ipam VERSION").out();
            System.out.println("$ CNI_COMMAND=VERSION " + hostCniBin.resolve("podnet-ipam") + "\n" + version.strip());
            assertThat(version).contains("\"supportedVersions\"");
            assertThat(hostCniBin.resolve("podnet")).isExecutable();
        }
    }

    @Test
    void theAgentInTheImageFillsItsWarmPoolFromVpcsimAndAnswersOnItsSocket() throws Exception {
        String node = net.add("node");
        Path vpcsimLog = dir.resolve("vpcsim.log");
        Process vpcsim = new ProcessBuilder("nsenter", "--net=" + net.path(node),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "vpcsim", "--listen", "127.0.0.1:0", "--debug")
                .redirectErrorStream(true).redirectOutput(vpcsimLog.toFile()).start();
        try {
            String endpoint = awaitEndpoint(vpcsim, vpcsimLog);
            Path socketDir = Files.createDirectories(dir.resolve("run-podnet"));
            try (Containerd containerd = startAndImport(node)) {
                Path runLog = dir.resolve("agent.log");
                List<String> run = List.of("run", "--rm", "--net-host", "--env", "AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
                        "--env", "AWS_SECRET_ACCESS_KEY=secret",
                        "--mount", "type=bind,src=" + socketDir + ",dst=/run/podnet,options=rbind:rw", name, "agent",
                        "podnet", "agent", "--cloud", "aws", "--ec2-endpoint", endpoint, "--region", DefaultWorld.REGION,
                        "--instance-id", DefaultWorld.INSTANCE_C5_XLARGE, "--no-node-setup",
                        "--socket", "/run/podnet/agent.sock", "--state-dir", "/var/lib/podnet");
                System.out.println("$ ctr " + String.join(" ", run));
                Process agent = containerd.ctrInBackground(runLog, run.toArray(String[]::new));
                try {
                    AgentReply.Status status = awaitWarmAddresses(socketDir.resolve("agent.sock"), agent, runLog);
                    System.out.println("the agent's status over " + socketDir.resolve("agent.sock") + ": " + status.pools());
                    String calls = Files.readString(vpcsimLog);
                    System.out.println("vpcsim's log:\n" + calls.strip());
                    assertThat(calls).as("the agent's EC2 calls").contains("DescribeNetworkInterfaces")
                            .containsPattern("AssignPrivateIpAddresses|AssignIpv6Addresses");

                    containerd.ctrOk("task", "kill", "agent"); // SIGTERM: the JVM, PID 1 here, stops on it
                    assertThat(agent.waitFor(AGENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("ctr run ends with the agent")
                            .isTrue();
                } finally {
                    agent.destroyForcibly(); // only when the test failed before the task ended
                }
                System.out.println("the agent's output (ctr run exit " + agent.exitValue() + "):\n"
                        + Files.readString(runLog).strip());
                assertThat(containerd.ctrOk("container", "ls", "--quiet").out()).as("--rm removed the container").isBlank();
            }
        } finally {
            vpcsim.destroy();
            vpcsim.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** containerd in the test's namespace {@code node}, with the image imported. */
    private Containerd startAndImport(String node) throws IOException {
        Containerd containerd = Containerd.start(net, node, dir.resolve("containerd"),
                Files.createDirectories(dir.resolve("net.d")), Files.createDirectories(dir.resolve("cni-bin")));
        try {
            System.out.println("$ ctr image import " + image + "\n"
                    + containerd.ctrOk("image", "import", image.toString()).out().strip());
            return containerd;
        } catch (RuntimeException | Error e) {
            containerd.close();
            throw e;
        }
    }

    private static String awaitEndpoint(Process vpcsim, Path log) throws Exception {
        long deadline = System.nanoTime() + AGENT_TIMEOUT.toNanos();
        while (true) {
            Matcher m = ENDPOINT.matcher(Files.readString(log));
            if (m.find()) {
                return m.group(1);
            }
            if (!vpcsim.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("vpcsim did not start:\n" + Files.readString(log));
            }
            Thread.sleep(50); // a JVM start: about a second
        }
    }

    /** Asks the agent's status until a pool has a free address, which only EC2 calls can have put there. */
    private static AgentReply.Status awaitWarmAddresses(Path socket, Process agent, Path log) throws Exception {
        long deadline = System.nanoTime() + AGENT_TIMEOUT.toNanos();
        String last = "no socket yet";
        while (true) {
            if (Files.exists(socket)) {
                try {
                    AgentReply reply = AgentClient.ask(socket, AgentRequest.status(), AgentWire.MAX_ALLOWED_LINE_BYTES,
                            Duration.ofSeconds(10));
                    if (reply instanceof AgentReply.Status s && s.pools().stream().anyMatch(p -> p.free() > 0)) {
                        return s;
                    }
                    last = reply.toString();
                } catch (IOException e) {
                    last = e.toString(); // the socket file is there before the agent listens on it
                }
            }
            if (!agent.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the agent has no warm address (" + last + "; ctr run "
                        + (agent.isAlive() ? "still running" : "exited " + agent.exitValue()) + "):\n" + Files.readString(log));
            }
            Thread.sleep(100); // the first EC2 round takes a few calls
        }
    }

    /** The image's config, found as a runtime finds it: index.json, then the manifest, then the config blob. */
    private static JsonNode imageConfig() throws IOException {
        JsonNode index = JSON.readTree(entry("index.json"));
        JsonNode manifest = JSON.readTree(entry(blob(index.path("manifests").get(0).path("digest").asText())));
        return JSON.readTree(entry(blob(manifest.path("config").path("digest").asText())));
    }

    private static String blob(String digest) {
        return "blobs/sha256/" + digest.substring("sha256:".length());
    }

    private static String entry(String path) {
        return Processes.run(List.of("tar", "-xOf", image.toString(), path), Duration.ofSeconds(30))
                .requireSuccess("tar -xOf " + path).out();
    }

    private static String mavenVersion() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(CLI.resolve("maven-archiver/pom.properties"))) {
            p.load(in);
        }
        return p.getProperty("version");
    }

    private static String dpkgArchitecture() {
        return Processes.run(List.of("dpkg", "--print-architecture"), Duration.ofSeconds(10))
                .requireSuccess("dpkg --print-architecture").out().strip();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
