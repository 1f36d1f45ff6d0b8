package dev.podnet.bench;

import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Part 3 of bench/run: the wall time of one exec of the installed {@code podnet-ipam} (the native executable) in
 * embedded mode and in agent mode (against an agent in this process) against Debian's {@code host-local}: same
 * cniVersion, same /16, ADD and DEL of distinct containers, the subjects interleaved so the shared machine's noise
 * hits them alike. Beside them, the full Java plugin the native one falls back to ({@code podnet.d/podnet-ipam}, run
 * directly in agent mode), so the table still shows what a JVM per call costs.
 *
 * <p>Embedded mode's first call starts the embedded agent (a JVM) and waits for its socket: that call is timed on
 * its own and printed apart, and the warm-up and measured calls are served by the agent it started.
 *
 * <p>Floors: {@code /bin/true} (what spawning a process from here costs), a Java main that does nothing with the
 * fallback launcher's JVM flags (what a JVM's start costs), and {@code podnet-ipam} answering VERSION (the native
 * executable's own start, no work).
 * Arguments: {@code --bin DIR --host-local PATH --java PATH --hello-jar JAR --work DIR [--n N] [--warmup N]}.
 */
public final class ExecBench {
    /** The flags of the fallback launcher {@code podnet install-cni} writes (Installer.PLUGIN_FLAGS). */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-Xss512k", "-Xlog:disable", "-Xlog:all=warning:stderr");
    static final String NETNS = "/var/run/netns/pnb-bench";
    /** Only the plugin reads it (VERSION needs nothing else); the other floors ignore it. */
    static final Map<String, String> FLOOR_ENV = Map.of("CNI_COMMAND", "VERSION");
    static final String HOST_LOCAL = "host-local";
    static final String EMBEDDED = "podnet-ipam embedded";
    static final String AGENT = "podnet-ipam agent";
    static final String FALLBACK = "podnet-ipam Java (fallback)";

    private ExecBench() {
    }

    /** A plugin under test: the command and the network configuration it reads from stdin. */
    record Subject(String name, List<String> command, String conf, String ifName) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = options(args);
        Path bin = Path.of(a.get("--bin"));
        Path work = Path.of(a.get("--work"));
        int n = Integer.parseInt(a.getOrDefault("--n", "200"));
        int warmup = Integer.parseInt(a.getOrDefault("--warmup", "10"));
        Files.createDirectories(work);

        Path socket = work.resolve("agent.sock");
        Path embeddedData = work.resolve("podnet-data");
        AgentConfig config = new AgentConfig(socket, work.resolve("agent-state"), Optional.empty(), Optional.empty(),
                List.of(AgentConfig.parsePool("bench=10.9.0.0/16")), Duration.ZERO);
        try (Agent _ = Agent.start(config, InstantSource.system())) {
            String podnet = bin.resolve("podnet-ipam").toString();
            String agentConf = conf("podnet-ipam", "\"agentSocket\":\"" + socket + "\",\"pool\":\"bench\"");
            Subject embedded = new Subject(EMBEDDED, List.of(podnet), conf("podnet-ipam",
                    "\"dataDir\":\"" + embeddedData + "\",\"ranges\":[[{\"subnet\":\"10.9.0.0/16\"}]]"), "eth0");
            List<Subject> plugins = List.of(
                    new Subject(HOST_LOCAL, List.of(a.get("--host-local")), conf("host-local",
                            "\"dataDir\":\"" + work.resolve("host-local-data") + "\",\"ranges\":[[{\"subnet\":\"10.9.0.0/16\"}]]"), "eth0"),
                    embedded,
                    new Subject(AGENT, List.of(podnet), agentConf, "eth0"),
                    // The same agent and pool as the row above: another interface name keeps the attachments apart.
                    new Subject(FALLBACK, List.of(bin.resolve(Path.of("podnet.d", "podnet-ipam")).toString()), agentConf, "eth1"));
            Map<String, List<String>> floors = new LinkedHashMap<>();
            floors.put("/bin/true", List.of("/bin/true"));
            floors.put("java Hello, fallback's flags", javaCommand(a.get("--java"), a.get("--hello-jar")));
            floors.put("podnet-ipam VERSION", List.of(podnet));
            try {
                run(plugins, embedded, floors, bin, n, warmup);
            } finally {
                EmbeddedAgents.stop(embeddedData);
            }
        }
    }

    private static void run(List<Subject> plugins, Subject embedded, Map<String, List<String>> floors, Path bin,
                            int n, int warmup) {
        CycleTable table = new CycleTable(plugins.stream().map(Subject::name).toList(), n);
        long firstCall = check(embedded.name(), "ADD", call(embedded, "ADD", "first", bin), table.failures(embedded.name()));
        check(embedded.name(), "DEL", call(embedded, "DEL", "first", bin), table.failures(embedded.name()));
        for (int i = 0; i < warmup; i++) {
            for (Subject s : plugins) {
                check(s.name(), "ADD", call(s, "ADD", "warm" + i, bin), table.failures(s.name()));
                check(s.name(), "DEL", call(s, "DEL", "warm" + i, bin), table.failures(s.name()));
            }
            floors.values().forEach(cmd -> Exec.run(cmd, FLOOR_ENV, ""));
        }
        Map<String, Latencies> floor = new LinkedHashMap<>();
        floors.keySet().forEach(k -> floor.put(k, new Latencies()));
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            for (Subject s : plugins) {
                table.add(s.name(), i, check(s.name(), "ADD", call(s, "ADD", "bench" + i, bin), table.failures(s.name())));
            }
            floors.forEach((name, cmd) -> floor.get(name).add(Exec.run(cmd, FLOOR_ENV, "").nanos()));
        }
        for (int i = 0; i < n; i++) {
            for (Subject s : plugins) {
                table.del(s.name(), i, check(s.name(), "DEL", call(s, "DEL", "bench" + i, bin), table.failures(s.name())));
            }
        }
        long wall = System.nanoTime() - started;

        System.out.printf(Locale.ROOT, "Plugin exec wall time, N=%d per command after %d warm-up pairs, cniVersion 1.0.0,"
                + " pool 10.9.0.0/16 (%.0f s for the measured execs)%n", n, warmup, wall / 1e9);
        table.print("exec of the plugin");
        long hostLocalAdd = table.adds(HOST_LOCAL).p50();
        System.out.printf(Locale.ROOT, "  %-36s %9s %9s %9s%n", "floors (ms)", "p50", "p99", "vs h-l ADD p50");
        floor.forEach((name, l) -> System.out.printf(Locale.ROOT, "  %-36s %9s %9s %9s%n", name,
                CycleTable.ms(l.p50()), CycleTable.ms(l.p99()), Latencies.ratio(l.p50(), hostLocalAdd)));
        System.out.printf(Locale.ROOT, "  embedded mode, first call (starts the embedded agent): %s ms, %s of host-local's"
                        + " ADD p50, %s of its own steady ADD p50 (not in the rows above)%n", CycleTable.ms(firstCall),
                Latencies.ratio(firstCall, hostLocalAdd), Latencies.ratio(firstCall, table.adds(EMBEDDED).p50()));
        System.out.printf(Locale.ROOT, "  goal: podnet-ipam within 2x of host-local (p50): ADD embedded %s, agent %s;"
                        + " ADD+DEL cycle embedded %s, agent %s%n",
                verdict(table.adds(EMBEDDED).p50(), hostLocalAdd), verdict(table.adds(AGENT).p50(), hostLocalAdd),
                verdict(table.cycleOfMedians(EMBEDDED), table.cycleOfMedians(HOST_LOCAL)),
                verdict(table.cycleOfMedians(AGENT), table.cycleOfMedians(HOST_LOCAL)));
    }

    private static Exec.Outcome call(Subject s, String command, String containerId, Path bin) {
        return Exec.run(s.command(), Exec.cniEnv(command, containerId, NETNS, s.ifName(), bin + ":/usr/lib/cni"), s.conf());
    }

    private static String verdict(long podnet, long hostLocal) {
        return Latencies.ratio(podnet, hostLocal) + (podnet <= 2 * hostLocal ? " (met)" : " (NOT met)");
    }

    static String conf(String type, String ipamFields) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"benchnet\",\"type\":\"bridge\",\"ipam\":{\"type\":\"" + type
                + "\"," + ipamFields + "}}";
    }

    static List<String> javaCommand(String java, String jar) {
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", jar, "dev.podnet.bench.Hello"));
        return cmd;
    }

    /** Returns the time; counts a failed exec (and prints the first of each subject). */
    static long check(String subject, String command, Exec.Outcome o, AtomicLong failures) {
        boolean ok = o.exit() == 0 && (!command.equals("ADD") || o.output().contains("\"ips\""));
        if (!ok && failures.getAndIncrement() == 0) {
            System.err.println(subject + " " + command + " failed (exit " + o.exit() + "): " + o.output().strip());
        }
        return o.nanos();
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length && !args[i + 1].startsWith("--")) {
                m.put(args[i], args[++i]);
            } else {
                m.put(args[i], "true");
            }
        }
        return m;
    }
}
