package dev.podnet.bench;

import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The scale run (part 4, after the per-pod rows): PODS pods spread over NODES node namespaces
 * ({@code PREFIXnodeK}), each pod a namespace of its own ({@code PREFIXpodI}, on node I mod NODES), through the
 * reference bridge plugin with PARALLEL plugin execs at a time, as a runtime starting a burst of pods would: ADD
 * for every pod, then DEL for every pod, and the wall time of each phase. The IPAMs run one after the other on the
 * same namespaces, each with its own bridge in every node and its own /20 per node: host-local (a dataDir per node),
 * podnet-ipam in agent mode (one agent per node in this JVM, each with its own socket, state directory and pool),
 * podnet-ipam in embedded mode (a dataDir per node, so an embedded agent per node).
 *
 * <p>Before the timed phases one pod per node is added and deleted. In embedded mode that starts the node's agent
 * (a JVM each); its time is printed in a column of its own instead of being hidden or mixed into the phases.
 */
final class BridgeScale {
    record Setup(String prefix, Path bin, String cniDir, Path work, int pods, int nodes, int parallel) {
        Setup {
            if (nodes < 1 || nodes > 16 || pods < nodes || parallel < 1) {
                throw new IllegalArgumentException("scale run: need 1..16 nodes, at least one pod per node, parallel >= 1");
            }
        }
    }

    /** One IPAM: its rows' name, a letter for its bridge and container ids, and its ipam fields on node k. */
    private record Ipam(String name, char tag, String type, IntFunction<String> fields) {
    }

    /** The wall time of one phase and the time of each exec in it. */
    private record Phase(long wallNanos, Latencies execs) {
    }

    private record Result(String name, Phase first, Phase add, Phase del, long failures) {
    }

    private final Setup setup;
    private final List<String> nodes;
    private final List<String> pods;

    private BridgeScale(Setup setup, Namespaces namespaces) {
        this.setup = setup;
        this.nodes = namespaces.add(IntStream.range(0, setup.nodes()).mapToObj(k -> "node" + k).toList());
        this.pods = namespaces.add(IntStream.range(0, setup.pods()).mapToObj(i -> "pod" + i).toList());
    }

    static void run(Setup setup, Namespaces namespaces) throws Exception {
        new BridgeScale(setup, namespaces).report();
    }

    private void report() throws Exception {
        Path work = setup.work();
        List<Result> results = new ArrayList<>();
        results.add(measure(new Ipam("host-local", 'h', "host-local", k -> "\"dataDir\":\""
                + work.resolve("scale-hl-" + k) + "\",\"ranges\":[[{\"subnet\":\"" + subnet(0, k) + "\"}]]")));

        List<Agent> agents = new ArrayList<>();
        try {
            for (int k = 0; k < setup.nodes(); k++) {
                agents.add(Agent.start(new AgentConfig(agentSocket(k), work.resolve("scale-agent-" + k), Optional.empty(),
                        Optional.empty(), List.of(AgentConfig.parsePool("node" + k + "=" + subnet(1, k))), Duration.ZERO),
                        InstantSource.system()));
            }
            results.add(measure(new Ipam("podnet-ipam agent", 'a', "podnet-ipam",
                    k -> "\"agentSocket\":\"" + agentSocket(k) + "\",\"pool\":\"node" + k + "\"")));
        } finally {
            for (Agent agent : agents) {
                agent.close();
            }
        }

        try {
            results.add(measure(new Ipam("podnet-ipam embedded", 'e', "podnet-ipam", k -> "\"dataDir\":\""
                    + embeddedDir(k) + "\",\"ranges\":[[{\"subnet\":\"" + subnet(2, k) + "\"}]]")));
        } finally {
            for (int k = 0; k < setup.nodes(); k++) {
                EmbeddedAgents.stop(embeddedDir(k));
            }
        }
        print(results);
    }

    private Path agentSocket(int node) {
        return setup.work().resolve("scale-agent-" + node + ".sock");
    }

    private Path embeddedDir(int node) {
        return setup.work().resolve("scale-emb-" + node);
    }

    /** A /20 per IPAM and node, so no two bridges in a node share a subnet. */
    private static String subnet(int ipam, int node) {
        return "10." + (40 + ipam) + "." + (16 * node) + ".0/20";
    }

    private Result measure(Ipam ipam) throws Exception {
        AtomicLong failures = new AtomicLong();
        List<Integer> firstPerNode = IntStream.range(0, setup.nodes()).boxed().toList();
        List<Integer> all = IntStream.range(0, setup.pods()).boxed().toList();
        Phase first = phase(ipam, "ADD", "w", firstPerNode, failures);
        phase(ipam, "DEL", "w", firstPerNode, failures);
        Phase add = phase(ipam, "ADD", "c", all, failures);
        Phase del = phase(ipam, "DEL", "c", all, failures);
        return new Result(ipam.name(), first, add, del, failures.get());
    }

    /** Runs COMMAND for the given pods, setup.parallel() at a time, in pod order (so nodes take turns). */
    private Phase phase(Ipam ipam, String command, String round, List<Integer> podIndexes, AtomicLong failures)
            throws InterruptedException, ExecutionException {
        Latencies execs = new Latencies();
        String cniPath = setup.bin() + ":" + setup.cniDir();
        String bridge = setup.cniDir() + "/bridge";
        try (ExecutorService pool = Executors.newFixedThreadPool(setup.parallel())) {
            long started = System.nanoTime();
            List<Future<?>> calls = new ArrayList<>();
            for (int i : podIndexes) {
                int node = i % setup.nodes();
                String containerId = setup.prefix() + ipam.tag() + round + i;
                String conf = conf(setup.prefix() + ipam.tag(), ipam.type(), ipam.fields().apply(node));
                calls.add(pool.submit(() -> execs.add(ExecBench.check(ipam.name(), command,
                        Exec.run(List.of("ip", "netns", "exec", nodes.get(node), bridge),
                                Exec.cniEnv(command, containerId, "/var/run/netns/" + pods.get(i), "eth0", cniPath), conf),
                        failures))));
            }
            for (Future<?> call : calls) {
                call.get();
            }
            return new Phase(System.nanoTime() - started, execs);
        }
    }

    static String conf(String bridgeName, String ipamType, String ipamFields) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"" + bridgeName + "\",\"type\":\"bridge\",\"bridge\":\"" + bridgeName
                + "\",\"isGateway\":true,\"ipam\":{\"type\":\"" + ipamType + "\"," + ipamFields + "}}";
    }

    private void print(List<Result> results) {
        System.out.printf(Locale.ROOT, "%d pods on %d nodes through the bridge plugin, %d execs at a time"
                        + " (namespaces %snode0..%d, %spod0..%d)%n", setup.pods(), setup.nodes(), setup.parallel(),
                setup.prefix(), setup.nodes() - 1, setup.prefix(), setup.pods() - 1);
        String row = "  %-22s %12s %12s | %10s %7s | %10s %7s | %10s %7s | %17s %17s%n";
        System.out.printf(Locale.ROOT, row, "", "1st pod/node", "slowest 1st", "ADD all", "vs h-l", "DEL all",
                "vs h-l", "ADD+DEL", "vs h-l", "ADD exec p50/p99", "DEL exec p50/p99");
        Result base = results.getFirst();
        for (Result r : results) {
            System.out.printf(Locale.ROOT, row, r.name(), seconds(r.first().wallNanos()),
                    CycleTable.ms(r.first().execs().max()) + " ms",
                    seconds(r.add().wallNanos()), Latencies.ratio(r.add().wallNanos(), base.add().wallNanos()),
                    seconds(r.del().wallNanos()), Latencies.ratio(r.del().wallNanos(), base.del().wallNanos()),
                    seconds(total(r)), Latencies.ratio(total(r), total(base)),
                    percentiles(r.add().execs()), percentiles(r.del().execs()));
        }
        System.out.println("  (1st pod/node: the wall time of ADD for one pod per node before the timed phases; in"
                + " embedded mode it starts each node's agent)");
        results.stream().filter(r -> r.failures() > 0)
                .forEach(r -> System.out.println("  FAILURES " + r.name() + ": " + r.failures()));
    }

    private static long total(Result r) {
        return r.add().wallNanos() + r.del().wallNanos();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String percentiles(Latencies l) {
        return String.format(Locale.ROOT, "%.1f/%.1f ms", l.p50() / 1e6, l.p99() / 1e6);
    }
}
