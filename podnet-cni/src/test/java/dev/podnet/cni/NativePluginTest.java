package dev.podnet.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import dev.podnet.cni.NativePlugin.Run;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native executable, run as a runtime runs it, against the full Java plugin in agent mode: whatever the input,
 * the runtime sees the same bytes on stdout and the same exit status, and the agent is asked once.
 */
class NativePluginTest {
    @TempDir
    Path dir;
    private StandInAgent agent;
    private NativePlugin plugin;

    @BeforeEach
    void start() throws IOException {
        agent = new StandInAgent(dir.resolve("agent.sock"));
        plugin = new NativePlugin(Files.createDirectories(dir.resolve("bin")));
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
    }

    private String conf(String version, String extra) {
        return """
                {"cniVersion":"%s","name":"net1","type":"bridge",
                 "ipam":{"type":"podnet-ipam","agentSocket":"%s","routes":[{"dst":"0.0.0.0/0"}]}%s}"""
                .formatted(version, agent.socket, extra);
    }

    private static Map<String, String> env(String command, String container) {
        Map<String, String> env = new HashMap<>(Map.of("CNI_COMMAND", command, "CNI_IFNAME", "eth0",
                "CNI_NETNS", "/var/run/netns/x", "CNI_PATH", "/opt/cni/bin"));
        if (container != null) {
            env.put("CNI_CONTAINERID", container);
        }
        return env;
    }

    private Run exec(Map<String, String> env, byte[] stdin) {
        return plugin.run(env, stdin);
    }

    /** The full plugin in this process, as the Java fallback runs it. */
    static Run full(Map<String, String> env, byte[] stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        InputStream in = new ByteArrayInputStream(stdin);
        int status = new Plugin(env, in, stdout, stderr, Main.backends(null)).run();
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandPrintsWhatTheFullPathPrintsAndAsksTheAgentOnce() {
        String added = "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.5.0.2/24\",\"gateway\":\"10.5.0.1\"}]}";
        List<Object[]> cases = List.of(
                new Object[] {"ADD", "c1", conf("1.1.0", "")},
                new Object[] {"ADD", "c1", conf("0.3.1", "")},
                new Object[] {"ADD", "full1", conf("1.0.0", "")},
                new Object[] {"CHECK", "c1", conf("1.0.0", ",\"prevResult\":" + added)},
                new Object[] {"CHECK", "c1", conf("1.0.0", ",\"prevResult\":" + added.replace("10.5.0.2", "10.5.0.3"))},
                new Object[] {"CHECK", "gone1", conf("1.0.0", ",\"prevResult\":" + added)},
                new Object[] {"DEL", "c1", conf("1.0.0", "")},
                new Object[] {"GC", null, conf("1.1.0", ",\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"eth0\"}]")},
                new Object[] {"GC", null, conf("1.1.0", "")},
                new Object[] {"STATUS", null, conf("1.1.0", "")},
                new Object[] {"STATUS", null, conf("1.0.0", "")},
                new Object[] {"ADD", "c1", conf("1.1.0", "").replace("podnet-ipam\",\"agent", "host-local\",\"agent")},
                new Object[] {"ADD", "c1", conf("1.1.0", ",\"ipam\":null")},
                new Object[] {"ADD", "c1", conf("1.1.0", "") + " trailing"});
        for (Object[] c : cases) {
            Map<String, String> env = env((String) c[0], (String) c[1]);
            byte[] stdin = bytes((String) c[2]);
            Run viaExec = exec(env, stdin);
            List<String> execOps = agent.takeOps();
            Run viaFull = full(env, stdin);
            agent.takeOps();

            assertThat(viaExec).as("%s %s", c[0], c[2]).isEqualTo(viaFull);
            // One exec whenever the configuration is JSON and names the socket; the agent decodes (and refuses) the
            // rest itself. What the executable cannot read, the Java plugin reads.
            String conf = (String) c[2];
            boolean namesTheSocket = !conf.contains("\"ipam\":null") && !conf.endsWith("trailing");
            assertThat(execOps).as("%s %s", c[0], c[2]).isEqualTo(namesTheSocket ? List.of("exec") : List.of());
        }
        agent.statusFails(new CniException(CniException.PLUGIN_NOT_AVAILABLE, "no free address", "pool exhausted"));
        Map<String, String> status = env("STATUS", null);
        assertThat(exec(status, bytes(conf("1.1.0", "")))).isEqualTo(full(status, bytes(conf("1.1.0", ""))))
                .extracting(Run::out).asString().contains("\"code\":50");
    }

    @Test
    void aBusyNodesStatusListIsNotTooLongAReplyEitherWay() {
        agent.statusLists(1_000); // about 150 KiB of status reply: the plugin only needs to know it succeeded
        Map<String, String> status = env("STATUS", null);
        Run viaExec = exec(status, bytes(conf("1.1.0", "")));

        assertThat(viaExec).isEqualTo(new Run(0, "", ""));
        assertThat(full(status, bytes(conf("1.1.0", "")))).isEqualTo(viaExec);
    }

    /**
     * Whatever arrives on stdin or in the environment: the same output either way, never a stack trace. Fewer
     * examples than the decoder's own fuzzers: an input the executable cannot read starts a JVM.
     */
    @Test
    void fuzzedInputGivesTheFullPathsOutput() {
        String valid = conf("1.0.0", "");
        qt().withExamples(60).withShrinkCycles(20).forAll(strings().allPossible().ofLengthBetween(0, 60), integers().between(0, valid.length()))
                .checkAssert((noise, cut) -> {
                    byte[] stdin = bytes(valid.substring(0, cut) + noise + valid.substring(cut));
                    Map<String, String> env = env("ADD", "fuzz");
                    Run viaExec = exec(env, stdin);
                    assertThat(viaExec).isEqualTo(full(env, stdin));
                    assertThat(viaExec.out()).doesNotContain("Exception\n\tat ");
                });
        qt().withExamples(30).withShrinkCycles(20)
                .forAll(strings().allPossible().ofLengthBetween(0, 20), strings().allPossible().ofLengthBetween(0, 20))
                .checkAssert((rawCommand, rawContainer) -> {
                    String command = asEnvironmentValue(rawCommand);
                    String container = asEnvironmentValue(rawContainer);
                    Map<String, String> env = Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", container,
                            "CNI_IFNAME", container, "CNI_NETNS", container);
                    assertThat(exec(env, bytes(valid))).isEqualTo(full(env, bytes(valid)));
                });
    }

    /** What a process can be given: a C string of bytes (no NUL), which a Java string only holds as UTF-8. */
    private static String asEnvironmentValue(String s) {
        return new String(s.replace("\0", "").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    @Test
    void versionIsAnsweredWithoutTheAgentAndABadEnvironmentByItsPlugin() {
        Map<String, String> version = Map.of("CNI_COMMAND", "VERSION");
        assertThat(exec(version, new byte[0])).isEqualTo(full(version, new byte[0]));
        assertThat(agent.takeOps()).isEmpty();
        Run missing = exec(Map.of("CNI_COMMAND", "ADD"), bytes(conf("1.0.0", "")));
        assertThat(missing).isEqualTo(full(Map.of("CNI_COMMAND", "ADD"), bytes(conf("1.0.0", ""))));
        assertThat(missing.out()).contains("\"code\":4");
    }

    /** The socket the executable picks is the one the full decoder takes; whatever it cannot judge, Java judges. */
    @Test
    void theSocketIsTheOneTheDecoderWouldTake() {
        String a = "\"" + agent.socket + "\"";
        String b = "\"" + dir.resolve("b.sock") + "\"";
        Map<String, Boolean> asksTheAgent = new java.util.LinkedHashMap<>();
        asksTheAgent.put("{\"ipam\":{\"agentSocket\":" + a + "}}", true);
        asksTheAgent.put("{\"x\":{\"agentSocket\":" + b + "},\"ipam\":{\"type\":\"t\",\"agentSocket\":" + a + "}}", true);
        asksTheAgent.put("{\"ipam\":{\"agentSocket\":" + b + ",\"agentSocket\":" + a + "}}", true);
        asksTheAgent.put("{\"ipam\":{\"agent\\u0053ocket\":" + a + "}}", true);
        asksTheAgent.put("{\"ipam\":{\"agentSocket\":" + a + "},\"ipam\":{\"type\":\"t\"}}", false);
        asksTheAgent.put("{\"ipam\":{\"agentSocket\":" + a + "},\"ipam\":null}", false);
        asksTheAgent.put("{\"ipam\":{\"agentSocket\":\"a.sock\"}}", false);
        asksTheAgent.put("{\"ipam\":{\"agentSocket\":\"\"}}", false);
        asksTheAgent.put("{\"ipam\":{\"agentSocket\":7}}", false);
        asksTheAgent.put("[" + a + "]", false);
        asksTheAgent.put("{\"ipam\":{\"agentSocket\":" + a, false);
        // Without ranges a configuration cannot be embedded mode: no embedded agent is started for it.
        Path data = dir.resolve("data");
        asksTheAgent.put("{\"name\":\"n\",\"ipam\":{\"type\":\"podnet-ipam\",\"dataDir\":\"" + data + "\"}}", false);
        asksTheAgent.forEach((json, asks) -> {
            Map<String, String> env = env("ADD", "c1");
            assertThat(exec(env, bytes(json))).as(json).isEqualTo(full(env, bytes(json)));
            assertThat(agent.takeOps()).as(json).isEqualTo(asks ? List.of("exec") : List.of());
        });
        assertThat(data).doesNotExist();
    }

    @Test
    void anAgentThatPredatesExecGetsThePlainRequest() {
        agent.mode(StandInAgent.Mode.PREDATES_EXEC);
        Map<String, String> env = env("ADD", "c1");
        Run viaExec = exec(env, bytes(conf("1.0.0", "")));

        assertThat(viaExec.status()).isZero();
        assertThat(viaExec.out()).contains("10.5.0.2/24", "\"routes\":[{\"dst\":\"10.6.0.0/16\",\"gw\":\"10.5.0.9\"},{\"dst\":\"0.0.0.0/0\"}]");
        assertThat(agent.takeOps()).containsExactly("exec", "add");
    }

    @Test
    void anAgentThatHangsUpIsReportedAsTheFullPathWouldWithoutAskingAgain() {
        // The executable passes the failure to the Java plugin, which reports it without a second request.
        agent.mode(StandInAgent.Mode.HANGS_UP);
        Map<String, String> env = env("ADD", "c1");
        Run viaExec = exec(env, bytes(conf("1.0.0", "")));
        assertThat(agent.takeOps()).containsExactly("exec");
        Run viaFull = full(env, bytes(conf("1.0.0", "")));
        assertThat(agent.takeOps()).containsExactly("add");

        assertThat(viaExec).isEqualTo(viaFull);
        assertThat(viaExec.out()).startsWith("{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"the podnet agent is not reachable\"")
                .contains("closed the connection without answering");
    }

    @Test
    void noAgentOnTheSocketIsTryAgainLater() throws Exception {
        agent.close();
        Files.deleteIfExists(agent.socket);
        Run add = exec(env("ADD", "c1"), bytes(conf("1.1.0", "")));

        assertThat(add.status()).isEqualTo(1);
        assertThat(add.out()).contains("\"code\":11", "not reachable");
        assertThat(exec(env("STATUS", null), bytes(conf("1.1.0", ""))).out()).contains("\"code\":50");
    }

    @Test
    void theAgentDeclinesAConfigurationThatNamesAnotherSocketOrNone() throws IOException {
        Map<String, String> env = env("ADD", "c1");
        String other = conf("1.0.0", "").replace(agent.socket.toString(), dir.resolve("other.sock").toString());
        String embedded = """
                {"cniVersion":"1.0.0","name":"net1","type":"bridge",
                 "ipam":{"type":"podnet-ipam","dataDir":"%s","ranges":[[{"subnet":"10.5.0.0/24"}]]}}""".formatted(dir.resolve("data"));
        for (String conf : List.of(other, embedded)) {
            AgentReply reply = PluginInAgent.run(new AgentRequest.Exec(agent.socket.toString(), env, bytes(conf)),
                    request -> new AgentReply.Success(StandInAgent.ADDED));
            assertThat(reply).isEqualTo(PluginInAgent.DECLINED);
        }
        assertThat(Files.exists(dir.resolve("data"))).as("the agent never runs embedded mode").isFalse();
    }

    @Test
    void aStackTraceAskedForComesBackOnStderrOnly() {
        Map<String, String> env = env("ADD", "c1");
        env.put("PODNET_DEBUG", "1");
        AgentReply reply = PluginInAgent.run(new AgentRequest.Exec(agent.socket.toString(), env, bytes(conf("1.0.0", ""))),
                request -> {
                    throw new IllegalStateException("boom");
                });

        assertThat(reply).isInstanceOfSatisfying(AgentReply.Exec.class, e -> {
            assertThat(e.exit()).isEqualTo(1);
            assertThat(new String(e.stdout(), StandardCharsets.UTF_8)).contains("\"code\":999", "boom").doesNotContain("\tat ");
            assertThat(new String(e.stderr(), StandardCharsets.UTF_8)).contains("IllegalStateException: boom", "\tat ");
        });
        Run viaExec = exec(env, bytes(conf("1.0.0", "")));
        assertThat(viaExec.status()).isZero();
        assertThat(viaExec.err()).isEmpty();
    }

    @Test
    void onlyTheCniEnvironmentIsForwarded() {
        Map<String, String> env = env("DEL", "c1");
        env.put("CNI_ARGS", "K8S_POD_NAME=web-0");
        env.put("AWS_SECRET_ACCESS_KEY", "not for the agent");
        assertThat(exec(env, bytes(conf("1.0.0", ""))).status()).isZero();

        Map<String, String> expected = new HashMap<>(env);
        expected.remove("AWS_SECRET_ACCESS_KEY");
        assertThat(agent.lastExecEnv()).isEqualTo(expected);
    }
}
