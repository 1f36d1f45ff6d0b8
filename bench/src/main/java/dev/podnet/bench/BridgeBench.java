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
 * Part 4 of bench/run (root only): a full pod ADD and DEL under the reference {@code bridge} plugin with each
 * IPAM. Everything happens in network namespaces named with the given random prefix: the bridge plugin runs in a
 * "node" namespace ({@code ip netns exec PREFIXn}), each pod is a namespace of its own, and each IPAM gets its own
 * bridge and /16 so they never meet. The root namespace's interfaces are never touched. Namespaces are deleted
 * here at the end, and bench/run deletes any left by prefix on exit.
 * Arguments: {@code --prefix P --bin DIR --cni-dir DIR --work DIR [--n N]}.
 */
public final class BridgeBench {

    private BridgeBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = ExecBench.options(args);
        String prefix = a.get("--prefix");
        if (prefix == null || !prefix.matches("pnb[0-9a-z]{1,8}")) {
            throw new IllegalArgumentException("--prefix must be pnb followed by up to 8 letters or digits");
        }
        Path bin = Path.of(a.get("--bin"));
        String cniDir = a.getOrDefault("--cni-dir", "/usr/lib/cni");
        Path work = Path.of(a.get("--work"));
        int n = Integer.parseInt(a.getOrDefault("--n", "50"));
        int warmup = 3;
        Files.createDirectories(work);
        String node = prefix + "n";
        List<String> created = new ArrayList<>();
        Path socket = work.resolve("bridge-agent.sock");
        AgentConfig config = new AgentConfig(socket, work.resolve("bridge-agent-state"), Optional.empty(),
                Optional.empty(), List.of(AgentConfig.parsePool("pnb=10.12.0.0/16")), Duration.ZERO);
        try (Agent _ = Agent.start(config, InstantSource.system())) {
            ip(created, node);
            for (int i = 0; i < n + warmup; i++) {
                ip(created, prefix + "p" + i);
            }
            List<String> bridge = List.of("ip", "netns", "exec", node, cniDir + "/bridge");
            List<ExecBench.Subject> subjects = List.of(
                    new ExecBench.Subject("host-local", bridge, conf(prefix + "h", "host-local",
                            "\"dataDir\":\"" + work.resolve("bridge-hl") + "\",\"ranges\":[[{\"subnet\":\"10.10.0.0/16\"}]]"), "eth0"),
                    new ExecBench.Subject("podnet-ipam embedded", bridge, conf(prefix + "e", "podnet-ipam",
                            "\"dataDir\":\"" + work.resolve("bridge-pn") + "\",\"ranges\":[[{\"subnet\":\"10.11.0.0/16\"}]]"), "eth1"),
                    new ExecBench.Subject("podnet-ipam agent", bridge, conf(prefix + "a", "podnet-ipam",
                            "\"agentSocket\":\"" + socket + "\",\"pool\":\"pnb\""), "eth2"));
            String cniPath = bin + ":" + cniDir;
            Map<String, Latencies> add = new LinkedHashMap<>();
            Map<String, Latencies> del = new LinkedHashMap<>();
            Map<String, long[]> failures = new HashMap<>();
            for (ExecBench.Subject s : subjects) {
                add.put(s.name(), new Latencies());
                del.put(s.name(), new Latencies());
                failures.put(s.name(), new long[1]);
            }
            Latencies floor = new Latencies();
            List<String> floorCmd = List.of("ip", "netns", "exec", node, "/bin/true");
            for (int i = 0; i < n + warmup; i++) {
                boolean measured = i >= warmup;
                String pod = "/var/run/netns/" + prefix + "p" + i;
                for (ExecBench.Subject s : subjects) {
                    long t = ExecBench.check(s, "ADD", Exec.run(s.command(),
                            Exec.cniEnv("ADD", prefix + "c" + i, pod, s.ifName(), cniPath), s.conf()), failures.get(s.name()));
                    if (measured) {
                        add.get(s.name()).add(t);
                    }
                }
                long f = Exec.run(floorCmd, Map.of(), "").nanos();
                if (measured) {
                    floor.add(f);
                }
            }
            for (int i = 0; i < n + warmup; i++) {
                String pod = "/var/run/netns/" + prefix + "p" + i;
                for (ExecBench.Subject s : subjects) {
                    long t = ExecBench.check(s, "DEL", Exec.run(s.command(),
                            Exec.cniEnv("DEL", prefix + "c" + i, pod, s.ifName(), cniPath), s.conf()), failures.get(s.name()));
                    if (i >= warmup) {
                        del.get(s.name()).add(t);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "Full pod ADD/DEL under the bridge plugin, in namespaces %s*, N=%d per command%n",
                    prefix, n);
            System.out.printf(Locale.ROOT, "  %-38s %10s %10s %10s %13s %13s%n", "", "p50", "p99", "max",
                    "p50 vs h-l", "p99 vs h-l");
            for (String cmd : List.of("ADD", "DEL")) {
                Map<String, Latencies> m = cmd.equals("ADD") ? add : del;
                Latencies base = m.get("host-local");
                for (ExecBench.Subject s : subjects) {
                    Latencies l = m.get(s.name());
                    System.out.printf(Locale.ROOT, "  %-38s %10s %10s %10s %13s %13s%n", "bridge " + cmd + " + " + s.name(),
                            Latencies.ms(l.p50()), Latencies.ms(l.p99()), Latencies.ms(l.max()),
                            Latencies.ratio(l.p50(), base.p50()), Latencies.ratio(l.p99(), base.p99()));
                }
            }
            System.out.printf(Locale.ROOT, "  %-38s %10s %10s %10s%n", "floor: ip netns exec NODE /bin/true",
                    Latencies.ms(floor.p50()), Latencies.ms(floor.p99()), Latencies.ms(floor.max()));
            failures.forEach((name, count) -> {
                if (count[0] > 0) {
                    System.out.println("  FAILURES " + name + ": " + count[0]);
                }
            });
        } finally {
            for (String ns : created.reversed()) {
                Exec.run(List.of("ip", "netns", "del", ns), Map.of(), "");
            }
        }
    }

    private static void ip(List<String> created, String ns) {
        Exec.Outcome o = Exec.run(List.of("ip", "netns", "add", ns), Map.of(), "");
        if (o.exit() != 0) {
            throw new IllegalStateException("ip netns add " + ns + " failed: " + o.output().strip());
        }
        created.add(ns);
    }

    private static String conf(String bridgeName, String ipamType, String ipamFields) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"" + bridgeName + "\",\"type\":\"bridge\",\"bridge\":\"" + bridgeName
                + "\",\"isGateway\":true,\"ipam\":{\"type\":\"" + ipamType + "\"," + ipamFields + "}}";
    }
}
