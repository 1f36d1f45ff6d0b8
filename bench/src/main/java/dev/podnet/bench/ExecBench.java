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

/**
 * Part 3 of bench/run: the wall time of one exec of the {@code podnet-ipam} plugin (embedded mode, and agent mode
 * against an agent in this process) against Debian's {@code host-local}, same cniVersion, same /16, ADD and DEL of
 * distinct containers, the subjects interleaved so the shared machine's noise hits them alike. Agent mode runs
 * twice: as installed (the exec path: the agent runs the plugin's logic), and through the plugin's full path, which
 * is what every agent-mode run cost before exec: the key is written with a JSON escape for its "S", which the
 * decoder reads as agentSocket and the exec path's byte check does not recognise. Beside them, the floors: {@code /bin/true} (what
 * spawning a process from here costs), a Java main that does nothing, started with the plugin's JVM flags, without
 * and with an AOT cache of its own (what the JVM's start costs), and the installed plugin answering VERSION (the
 * JVM with the plugin's own AOT cache and classes, and no work).
 * Arguments: {@code --bin DIR --host-local PATH --java PATH --hello-jar JAR [--hello-aot FILE] --work DIR [--n N]
 * [--warmup N]}.
 */
public final class ExecBench {
    /** The flags {@code podnet install-cni} writes into the launcher (CniInstaller.JVM_FLAGS). */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-Xss512k", "-Xlog:disable", "-Xlog:all=warning:stderr");
    static final String NETNS = "/var/run/netns/pnb-bench";
    /** Only the plugin reads it (VERSION needs nothing else); the other floors ignore it. */
    static final Map<String, String> FLOOR_ENV = Map.of("CNI_COMMAND", "VERSION");

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
        String java = a.get("--java");
        Files.createDirectories(work);

        Path socket = work.resolve("agent.sock");
        AgentConfig config = new AgentConfig(socket, work.resolve("agent-state"), Optional.empty(), Optional.empty(),
                List.of(AgentConfig.parsePool("bench=10.9.0.0/16")), Duration.ZERO);
        try (Agent _ = Agent.start(config, InstantSource.system())) {
            String podnet = bin.resolve("podnet-ipam").toString();
            List<Subject> plugins = List.of(
                    new Subject("host-local", List.of(a.get("--host-local")), conf("host-local",
                            "\"dataDir\":\"" + work.resolve("host-local-data") + "\",\"ranges\":[[{\"subnet\":\"10.9.0.0/16\"}]]"), "eth0"),
                    new Subject("podnet-ipam embedded", List.of(podnet), conf("podnet-ipam",
                            "\"dataDir\":\"" + work.resolve("podnet-data") + "\",\"ranges\":[[{\"subnet\":\"10.9.0.0/16\"}]]"), "eth0"),
                    new Subject("podnet-ipam agent", List.of(podnet), conf("podnet-ipam",
                            "\"agentSocket\":\"" + socket + "\",\"pool\":\"bench\""), "eth0"),
                    new Subject("podnet-ipam agent, full path", List.of(podnet), conf("podnet-ipam",
                            "\"agent\\u0053ocket\":\"" + socket + "\",\"pool\":\"bench\""), "eth1"));
            Map<String, List<String>> floors = new LinkedHashMap<>();
            floors.put("/bin/true", List.of("/bin/true"));
            floors.put("java Hello, plugin flags", javaCommand(java, a.get("--hello-jar"), null));
            if (a.containsKey("--hello-aot") && Files.isRegularFile(Path.of(a.get("--hello-aot")))) {
                floors.put("java Hello, flags + own AOT cache", javaCommand(java, a.get("--hello-jar"), a.get("--hello-aot")));
            }
            floors.put("podnet-ipam VERSION", List.of(podnet));

            for (int i = 0; i < warmup; i++) {
                for (Subject s : plugins) {
                    check(s, "ADD", Exec.run(s.command(), env(s, "ADD", "warm" + i, bin), s.conf()), new long[1]);
                    check(s, "DEL", Exec.run(s.command(), env(s, "DEL", "warm" + i, bin), s.conf()), new long[1]);
                }
                floors.values().forEach(cmd -> Exec.run(cmd, FLOOR_ENV, ""));
            }

            Map<String, Latencies> add = new LinkedHashMap<>();
            Map<String, Latencies> del = new LinkedHashMap<>();
            Map<String, Latencies> floor = new LinkedHashMap<>();
            Map<String, long[]> failures = new HashMap<>();
            for (Subject s : plugins) {
                add.put(s.name(), new Latencies());
                del.put(s.name(), new Latencies());
                failures.put(s.name(), new long[1]);
            }
            floors.keySet().forEach(k -> floor.put(k, new Latencies()));
            long started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String id = "bench" + i;
                for (Subject s : plugins) {
                    add.get(s.name()).add(check(s, "ADD", Exec.run(s.command(), env(s, "ADD", id, bin), s.conf()),
                            failures.get(s.name())));
                }
                floors.forEach((name, cmd) -> floor.get(name).add(Exec.run(cmd, FLOOR_ENV, "").nanos()));
            }
            for (int i = 0; i < n; i++) {
                String id = "bench" + i;
                for (Subject s : plugins) {
                    del.get(s.name()).add(check(s, "DEL", Exec.run(s.command(), env(s, "DEL", id, bin), s.conf()),
                            failures.get(s.name())));
                }
            }
            long wall = System.nanoTime() - started;

            System.out.printf(Locale.ROOT, "Plugin exec wall time, N=%d per command, cniVersion 1.0.0, pool 10.9.0.0/16"
                    + " (%.0f s for the measured execs)%n", n, wall / 1e9);
            System.out.printf(Locale.ROOT, "  %-38s %10s %10s %10s %13s %13s%n", "", "p50", "p99", "max",
                    "p50 vs h-l", "p99 vs h-l");
            for (String cmd : List.of("ADD", "DEL")) {
                Map<String, Latencies> m = cmd.equals("ADD") ? add : del;
                Latencies base = m.get("host-local");
                for (Subject s : plugins) {
                    Latencies l = m.get(s.name());
                    System.out.printf(Locale.ROOT, "  %-38s %10s %10s %10s %13s %13s%n", cmd + " " + s.name(),
                            Latencies.ms(l.p50()), Latencies.ms(l.p99()), Latencies.ms(l.max()),
                            Latencies.ratio(l.p50(), base.p50()), Latencies.ratio(l.p99(), base.p99()));
                }
            }
            Latencies hostLocal = add.get("host-local");
            for (Map.Entry<String, Latencies> f : floor.entrySet()) {
                Latencies l = f.getValue();
                System.out.printf(Locale.ROOT, "  %-38s %10s %10s %10s %13s %13s%n", "floor: " + f.getKey(),
                        Latencies.ms(l.p50()), Latencies.ms(l.p99()), Latencies.ms(l.max()),
                        Latencies.ratio(l.p50(), hostLocal.p50()), Latencies.ratio(l.p99(), hostLocal.p99()));
            }
            failures.forEach((name, count) -> {
                if (count[0] > 0) {
                    System.out.println("  FAILURES " + name + ": " + count[0]);
                }
            });
            Latencies embedded = add.get("podnet-ipam embedded");
            Latencies viaAgent = add.get("podnet-ipam agent");
            Latencies fullPath = add.get("podnet-ipam agent, full path");
            Latencies jvmFloor = floor.getOrDefault("java Hello, flags + own AOT cache", floor.get("java Hello, plugin flags"));
            Latencies version = floor.get("podnet-ipam VERSION");
            System.out.printf(Locale.ROOT, "  goal: podnet-ipam within 2x of host-local (p50, ADD): embedded %s, agent %s;"
                            + " the JVM floor alone is %s of host-local's ADD%n",
                    verdict(embedded.p50(), hostLocal.p50()), verdict(viaAgent.p50(), hostLocal.p50()),
                    Latencies.ratio(jvmFloor.p50(), hostLocal.p50()));
            System.out.printf(Locale.ROOT, "  podnet-ipam ADD p50 above the JVM floor: embedded +%s, agent +%s"
                            + " (full path +%s); VERSION (no work) +%s%n",
                    Latencies.ms(embedded.p50() - jvmFloor.p50()), Latencies.ms(viaAgent.p50() - jvmFloor.p50()),
                    Latencies.ms(fullPath.p50() - jvmFloor.p50()), Latencies.ms(version.p50() - jvmFloor.p50()));
        }
    }

    private static String verdict(long podnet, long hostLocal) {
        return Latencies.ratio(podnet, hostLocal) + (podnet <= 2 * hostLocal ? " (met)" : " (NOT met)");
    }

    static String conf(String type, String ipamFields) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"benchnet\",\"type\":\"bridge\",\"ipam\":{\"type\":\"" + type
                + "\"," + ipamFields + "}}";
    }

    static List<String> javaCommand(String java, String jar, String aotCache) {
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(JVM_FLAGS);
        if (aotCache != null) {
            cmd.add("-XX:AOTCache=" + aotCache);
        }
        cmd.addAll(List.of("-cp", jar, "dev.podnet.bench.Hello"));
        return cmd;
    }

    private static Map<String, String> env(Subject s, String command, String id, Path bin) {
        return Exec.cniEnv(command, id, NETNS, s.ifName(), bin + ":/usr/lib/cni");
    }

    /** Returns the time; counts a failed exec (and prints the first of each subject). */
    static long check(Subject s, String command, Exec.Outcome o, long[] failures) {
        boolean ok = o.exit() == 0 && (!command.equals("ADD") || o.output().contains("\"ips\""));
        if (!ok && failures[0]++ == 0) {
            System.err.println(s.name() + " " + command + " failed (exit " + o.exit() + "): " + o.output().strip());
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
