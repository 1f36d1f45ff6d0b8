package dev.podnet.bench;

import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Part 4 of bench/run (root only): pod ADD and DEL under the reference {@code bridge} plugin with each IPAM. First
 * one pod at a time: the bridge plugin runs in a "node" namespace ({@code ip netns exec PREFIXn}), each pod is a
 * namespace of its own, each IPAM has its own bridge and /16, and the IPAMs take turns pod by pod. Then the scale run
 * of {@link BridgeScale}. Everything happens in namespaces named with the given random prefix; the root namespace's
 * interfaces are never touched. The embedded agents are stopped and the namespaces (with every link in them) deleted
 * here at the end, and bench/run deletes any namespace left, by prefix, on exit.
 * Arguments: {@code --prefix P --bin DIR --cni-dir DIR --work DIR [--n N] [--scale-pods N] [--scale-nodes N]
 * [--scale-parallel N]}.
 */
public final class BridgeBench {
    private static final int WARMUP = 3;

    private BridgeBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = ExecBench.options(args);
        String prefix = a.get("--prefix");
        Path bin = Path.of(a.get("--bin"));
        String cniDir = a.getOrDefault("--cni-dir", "/usr/lib/cni");
        Path work = Path.of(a.get("--work"));
        int n = Integer.parseInt(a.getOrDefault("--n", "50"));
        BridgeScale.Setup scale = new BridgeScale.Setup(prefix, bin, cniDir, work,
                Integer.parseInt(a.getOrDefault("--scale-pods", "1000")), Integer.parseInt(a.getOrDefault("--scale-nodes", "10")),
                Integer.parseInt(a.getOrDefault("--scale-parallel", "4")));
        Files.createDirectories(work);
        Namespaces namespaces = new Namespaces(prefix);
        try {
            perPod(namespaces, prefix, bin, cniDir, work, n);
            System.out.println();
            BridgeScale.run(scale, namespaces);
        } finally {
            namespaces.close();
        }
        System.out.printf(Locale.ROOT, "  namespaces %s* left after the run: %d%n", prefix, namespaces.left());
    }

    private static void perPod(Namespaces namespaces, String prefix, Path bin, String cniDir, Path work, int n)
            throws Exception {
        String node = namespaces.add("n");
        List<String> pods = namespaces.add(IntStream.range(0, n + WARMUP).mapToObj(i -> "p" + i).toList());
        Path socket = work.resolve("bridge-agent.sock");
        Path embeddedData = work.resolve("bridge-pn");
        AgentConfig config = new AgentConfig(socket, work.resolve("bridge-agent-state"), Optional.empty(),
                Optional.empty(), List.of(AgentConfig.parsePool("pnb=10.12.0.0/16")), Duration.ZERO);
        try (Agent _ = Agent.start(config, InstantSource.system())) {
            List<String> bridge = List.of("ip", "netns", "exec", node, cniDir + "/bridge");
            ExecBench.Subject embedded = new ExecBench.Subject(ExecBench.EMBEDDED, bridge, BridgeScale.conf(prefix + "e",
                    "podnet-ipam", "\"dataDir\":\"" + embeddedData + "\",\"ranges\":[[{\"subnet\":\"10.11.0.0/16\"}]]"), "eth1");
            List<ExecBench.Subject> subjects = List.of(
                    new ExecBench.Subject(ExecBench.HOST_LOCAL, bridge, BridgeScale.conf(prefix + "h", "host-local",
                            "\"dataDir\":\"" + work.resolve("bridge-hl") + "\",\"ranges\":[[{\"subnet\":\"10.10.0.0/16\"}]]"), "eth0"),
                    embedded,
                    new ExecBench.Subject(ExecBench.AGENT, bridge, BridgeScale.conf(prefix + "a", "podnet-ipam",
                            "\"agentSocket\":\"" + socket + "\",\"pool\":\"pnb\""), "eth2"));
            String cniPath = bin + ":" + cniDir;
            CycleTable table = new CycleTable(subjects.stream().map(ExecBench.Subject::name).toList(), n);
            Latencies floor = new Latencies();
            List<String> floorCmd = List.of("ip", "netns", "exec", node, "/bin/true");
            long firstCall = 0;
            for (String command : List.of("ADD", "DEL")) {
                for (int i = 0; i < n + WARMUP; i++) {
                    String pod = "/var/run/netns/" + pods.get(i);
                    for (ExecBench.Subject s : subjects) {
                        long t = ExecBench.check(s.name(), command, Exec.run(s.command(),
                                Exec.cniEnv(command, prefix + "c" + i, pod, s.ifName(), cniPath), s.conf()), table.failures(s.name()));
                        if (i == 0 && s == embedded && command.equals("ADD")) {
                            firstCall = t;
                        } else if (i >= WARMUP && command.equals("ADD")) {
                            table.add(s.name(), i - WARMUP, t);
                        } else if (i >= WARMUP) {
                            table.del(s.name(), i - WARMUP, t);
                        }
                    }
                    if (command.equals("ADD") && i >= WARMUP) {
                        floor.add(Exec.run(floorCmd, Map.of(), "").nanos());
                    }
                }
            }
            System.out.printf(Locale.ROOT, "Pod ADD/DEL under the bridge plugin, one at a time, in namespaces %s*,"
                    + " N=%d per command after %d warm-up pods%n", prefix, n, WARMUP);
            table.print("bridge + IPAM");
            System.out.printf(Locale.ROOT, "  %-36s %9s %9s%n", "floor: ip netns exec NODE /bin/true",
                    CycleTable.ms(floor.p50()), CycleTable.ms(floor.p99()));
            System.out.printf(Locale.ROOT, "  embedded mode, first call (starts the embedded agent): %s ms (a warm-up pod,"
                    + " not in the rows above)%n", CycleTable.ms(firstCall));
        } finally {
            EmbeddedAgents.stop(embeddedData);
        }
    }
}
