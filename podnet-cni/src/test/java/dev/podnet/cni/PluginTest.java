package dev.podnet.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.PodRef;
import dev.podnet.ipam.Pool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin run in-process, embedded mode: what a runtime sees on stdout and in the exit status. */
class PluginTest {
    @TempDir
    Path dir;

    record Run(int status, String out) {
    }

    private String conf(String version) {
        return """
                {"cniVersion":"%s","name":"net1","type":"bridge",
                 "ipam":{"type":"podnet-ipam","dataDir":"%s","ranges":[[{"subnet":"10.5.0.0/29"}]],
                         "routes":[{"dst":"0.0.0.0/0"}]}}""".formatted(version, dir);
    }

    private Run run(String command, String container, String stdin) {
        Map<String, String> env = new HashMap<>(Map.of("CNI_COMMAND", command, "CNI_IFNAME", "eth0",
                "CNI_NETNS", "/var/run/netns/x", "CNI_PATH", "/opt/cni/bin"));
        if (container != null) {
            env.put("CNI_CONTAINERID", container);
        }
        return run(env, stdin.getBytes(StandardCharsets.UTF_8));
    }

    private static Run run(Map<String, String> env, byte[] stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new Plugin(env, new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(ByteArrayOutputStream.nullOutputStream()), Main.backends(null)).run();
        return new Run(status, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void addIsIdempotentDelIsIdempotentAndResultsFollowTheConfigVersion() {
        Run first = run("ADD", "c1", conf("1.0.0"));
        assertThat(first.status()).isZero();
        assertThat(first.out()).isEqualTo("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.5.0.2/29\","
                + "\"gateway\":\"10.5.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}\n");
        assertThat(run("ADD", "c1", conf("1.0.0")).out()).isEqualTo(first.out());
        assertThat(run("ADD", "c2", conf("0.3.1")).out()).contains("\"version\":\"4\"", "10.5.0.3/29");
        assertThat(run("DEL", "c1", conf("1.0.0"))).isEqualTo(new Run(0, ""));
        assertThat(run("DEL", "c1", conf("1.0.0"))).isEqualTo(new Run(0, ""));
        assertThat(run("DEL", "never-added", conf("1.0.0"))).isEqualTo(new Run(0, ""));
    }

    @Test
    void checkComparesPrevResultWithWhatIsHeld() {
        String added = run("ADD", "c1", conf("1.0.0")).out().strip();
        String withPrev = conf("1.0.0").replaceFirst("}$", ",\"prevResult\":" + added + "}");
        assertThat(run("CHECK", "c1", withPrev)).isEqualTo(new Run(0, ""));
        String wrong = withPrev.replace("10.5.0.2/29", "10.5.0.6/29");
        Run failed = run("CHECK", "c1", wrong);
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.out()).contains("\"code\":999", "10.5.0.6");
        assertThat(run("CHECK", "c9", withPrev).out()).contains("\"code\":3");
    }

    @Test
    void gcReleasesWhatTheRuntimeNoLongerKnows() {
        run("ADD", "keep", conf("1.1.0"));
        run("ADD", "stale", conf("1.1.0"));
        String gc = conf("1.1.0").replaceFirst("}$",
                ",\"cni.dev/valid-attachments\":[{\"containerID\":\"keep\",\"ifname\":\"eth0\"}]}");
        assertThat(run("GC", null, gc)).isEqualTo(new Run(0, ""));
        // 10.5.0.0/29 has 5 usable addresses (.2-.6): keep holds one, stale's is quarantined, so three are left
        for (String c : List.of("a", "b", "c")) {
            assertThat(run("ADD", c, conf("1.1.0")).status()).isZero();
        }
        Run full = run("ADD", "d", conf("1.1.0"));
        assertThat(full.status()).isEqualTo(1);
        assertThat(full.out()).contains("\"code\":11", "quarantine");
        assertThat(run("STATUS", null, conf("1.1.0")).out()).contains("\"code\":50");
    }

    /** CNI_ARGS as containerd passes them. */
    static final String POD_ARGS = "IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-0;"
            + "K8S_POD_INFRA_CONTAINER_ID=c1;K8S_POD_UID=0c8a6f1e-2b7d-4c55-9f0a-6b1f2e3d4c5b";

    @Test
    void anAddRecordsThePodTheRuntimeNamesInCniArgsAndRefusesOneThatCannotBeAPod() {
        Map<String, String> env = new HashMap<>(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1", "CNI_IFNAME", "eth0",
                "CNI_NETNS", "/var/run/netns/x", "CNI_PATH", "/opt/cni/bin", "CNI_ARGS", POD_ARGS));
        assertThat(run(env, conf("1.0.0").getBytes(StandardCharsets.UTF_8)).status()).isZero();
        env.put("CNI_CONTAINERID", "c2");
        env.put("CNI_ARGS", POD_ARGS.replace("web-0", "Web_0"));
        Run bad = run(env, conf("1.0.0").getBytes(StandardCharsets.UTF_8));
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.out()).contains("\"code\":4", "invalid CNI_ARGS", "Web_0");
        try (Ipam ipam = Ipam.open(dir.resolve("net1"), List.of(Pool.of("net1", IpRange.of("10.5.0.0/29"))),
                InstantSource.system(), IpamOptions.defaults())) {
            assertThat(ipam.allocations()).singleElement().satisfies(a -> {
                assertThat(a.key().containerId()).isEqualTo("c1");
                assertThat(a.pod()).contains(new PodRef("shop", "web-0", "0c8a6f1e-2b7d-4c55-9f0a-6b1f2e3d4c5b"));
            });
        }
    }

    @Test
    void versionNeedsNothingButTheCommand() {
        assertThat(run(Map.of("CNI_COMMAND", "VERSION"), new byte[0]).out())
                .isEqualTo("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n");
    }

    @Test
    void anUnreachableAgentIsTryAgainLaterForAddAndNotAvailableForStatus() {
        String agent = """
                {"cniVersion":"1.1.0","name":"net1","type":"bridge",
                 "ipam":{"type":"podnet-ipam","agentSocket":"%s"}}""".formatted(dir.resolve("none.sock"));
        Run add = run("ADD", "c1", agent);
        assertThat(add.status()).isEqualTo(1);
        assertThat(add.out()).contains("\"code\":11", "not reachable");
        assertThat(run("STATUS", null, agent).out()).contains("\"code\":50");
    }

    @Test
    void missingEnvironmentIsCode4() {
        Run r = run(Map.of("CNI_COMMAND", "ADD"), conf("1.0.0").getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).startsWith("{\"cniVersion\":\"1.1.0\",\"code\":4,");
    }

    /** Whatever arrives on stdin or in the environment: exit 1 with one error JSON line, and the state untouched. */
    @Test
    void fuzzedInputAlwaysGivesASpecErrorAndChangesNothing() throws IOException {
        assertThat(run("ADD", "seed", conf("1.0.0")).status()).isZero();
        Map<String, String> before = snapshot();
        String valid = conf("1.0.0");
        qt().withExamples(300).forAll(strings().allPossible().ofLengthBetween(0, 200), integers().between(0, valid.length()))
                .checkAssert((noise, cut) -> {
                    // A raw control character is invalid anywhere in JSON, so every input here is broken somewhere.
                    String stdin = valid.substring(0, cut) + "\u0001" + noise;
                    Run r = run("ADD", "fuzz", stdin);
                    assertThat(r.status()).isEqualTo(1);
                    assertThat(r.out()).startsWith("{\"cniVersion\":").contains("\"code\":").endsWith("}\n")
                            .doesNotContain("Exception\n\tat ");
                });
        qt().withExamples(200).forAll(strings().allPossible().ofLengthBetween(0, 40), strings().allPossible().ofLengthBetween(0, 40))
                .checkAssert((command, container) -> {
                    Map<String, String> env = Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", container,
                            "CNI_IFNAME", container, "CNI_NETNS", container);
                    Run r = run(env, new byte[] {'{'});
                    if (!command.equals("VERSION")) {
                        assertThat(r.status()).isEqualTo(1);
                        assertThat(r.out()).contains("\"code\":");
                    }
                });
        assertThat(snapshot()).as("state files").isEqualTo(before);
    }

    /** Every file under the state directory with its content, as hex so maps compare by value. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new java.util.TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        }
        return files;
    }
}
