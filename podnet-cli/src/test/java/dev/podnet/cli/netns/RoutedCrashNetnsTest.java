package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.api.AgentReply;
import dev.podnet.api.CniException;
import dev.podnet.linux.RoutedVeth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the node agent in the middle of 50 routed pod ADDs, each through the native {@code podnet} executable
 * as a runtime runs it, then a restart on the same state directory.
 *
 * <p>What an interrupted ADD may leave until the runtime's DEL of it: a host veth, and routes and rules to the
 * addresses its container holds; the agent journals an allocation before it touches the kernel, so this is all a
 * crash can leave. What no crash may leave: a route, rule, veth or pod address for an address nobody holds, or on
 * another container's veth. After the runtime's DEL and new ADD of every failed pod, each pod has its own addresses
 * with exactly one route and its two rules each; after DEL of all at once, the node and the pool are empty (that
 * DEL once left a rule: it deleted what a rule dump listed, and the dump missed one that other DELs shifted).
 */
@Tag("netns")
@ExtendWith(Netns.Required.class)
class RoutedCrashNetnsTest {
    private static final int PODS = 50;
    /**
     * ADDs running at once, as a runtime's sandbox workers run them: whenever the kill comes, this many are in
     * flight and the rest wait. Each one the kill fails costs a JVM (the native executable falls back to the full
     * Java plugin, which reports the failure): 40 of them took over a minute on 2 busy cores.
     */
    private static final int IN_FLIGHT = 8;
    /** ADDs that succeed before the kill. */
    private static final int KILL_AFTER = 20;
    private static final String POOL = "vpc=10.206.7.0/24,fd00:206:7::/120,table=7";
    /** Each plugin run is bounded by {@link Cni#TIMEOUT}; this only stops a hung burst. */
    private static final Duration BURST = Duration.ofSeconds(120);

    @RegisterExtension
    static final PodnetIpamPlugin PLUGIN = new PodnetIpamPlugin();
    @RegisterExtension
    final Netns net = new Netns();
    @TempDir
    Path dir;

    /** What runs on the test's thread while the plugin runs go on. */
    @FunctionalInterface
    private interface Meanwhile {
        void run() throws Exception;
    }

    @Test
    void killingTheAgentAmidFiftyAddsLeavesNothingForAnAddressNoPodHoldsAndRetriesWireEachPodOnce() throws Exception {
        RoutedNode node = RoutedNode.create(net);
        Cni cni = new Cni(net, node.ns(), PLUGIN);
        String conf = RoutedNode.conf(dir.resolve("agent.sock"));
        List<Cni.Pod> pods = new ArrayList<>();
        for (int i = 0; i < PODS; i++) {
            pods.add(new Cni.Pod(net.add("pod" + i), net.prefix() + "-c" + i));
        }
        Function<Cni.Pod, Cni.Outcome> add = pod -> cni.podnet("ADD", pod, conf);

        Map<Cni.Pod, Cni.Outcome> burst;
        try (TestAgent.NodeAgent agent = TestAgent.startIn(net, node.ns(), dir, POOL)) {
            burst = addAndKillMidway(pods, add, agent);
        }
        Map<Cni.Pod, JsonNode> results = new LinkedHashMap<>();
        List<Cni.Pod> failed = new ArrayList<>();
        List<Cni.Pod> waiting = new ArrayList<>();
        burst.forEach((pod, o) -> {
            if (o == null) {
                waiting.add(pod);
            } else if (o.exit() == 0) {
                results.put(pod, o.result());
            } else {
                assertThat(o.error().path("code").asInt()).as(o + ": the runtime is told to try again later")
                        .isEqualTo(CniException.TRY_AGAIN_LATER);
                failed.add(pod);
            }
        });
        assertThat(failed).as("ADDs the kill interrupted").isNotEmpty();

        try (TestAgent.NodeAgent agent = TestAgent.startIn(net, node.ns(), dir, POOL)) {
            Map<String, String> holders = holders(agent.socket());
            results.forEach((pod, r) -> assertThat(hosts(r)).as("what " + pod.containerId() + " got before the kill")
                    .allMatch(a -> pod.containerId().equals(holders.get(a))));
            assertWiredOnlyForHolders(node, pods, holders);
            System.out.printf("routed crash: kill -9 after %d ADDs failed %d and left %d waiting; after the restart the"
                            + " agent held %d addresses, the node had %d veths, %d host routes and %d rules%n",
                    results.size(), failed.size(), waiting.size(), holders.size(), node.veths().size(),
                    node.hostRoutes().size(), node.podRules().size());

            // What a runtime does with a failed ADD: DEL it, then ADD again; and it starts the ADDs that waited.
            inParallel(failed, pod -> cni.podnet("DEL", pod, conf))
                    .values().forEach(Cni.Outcome::succeeded);
            List<Cni.Pod> rest = new ArrayList<>(failed);
            rest.addAll(waiting);
            inParallel(rest, add).forEach((pod, o) -> results.put(pod, o.result()));
            assertEachPodWiredOnce(node, results, holders(agent.socket()));

            inParallel(pods, pod -> cni.podnet("DEL", pod,
                    Cni.withPrevResult(conf, results.get(pod)))).values().forEach(Cni.Outcome::succeeded);
            node.assertNoPodLeft();
            assertThat(TestAgentStatus.allocations(agent.socket())).isEmpty();
        }
    }

    /**
     * Runs the ADDs, {@link #IN_FLIGHT} at a time, and kill -9's the agent once {@link #KILL_AFTER} have succeeded;
     * an ADD not started by then maps to null: the runtime sends it once the agent is back.
     */
    private static Map<Cni.Pod, Cni.Outcome> addAndKillMidway(List<Cni.Pod> pods, Function<Cni.Pod, Cni.Outcome> add,
                                                             TestAgent.NodeAgent agent) throws Exception {
        CountDownLatch succeeded = new CountDownLatch(KILL_AFTER);
        Semaphore workers = new Semaphore(IN_FLIGHT);
        AtomicBoolean killed = new AtomicBoolean();
        return inParallel(pods, pod -> {
            workers.acquireUninterruptibly();
            try {
                if (killed.get()) {
                    return null;
                }
                Cni.Outcome o = add.apply(pod);
                if (o.exit() == 0) {
                    succeeded.countDown();
                }
                return o;
            } finally {
                workers.release();
            }
        }, () -> {
            assertThat(succeeded.await(BURST.toSeconds(), TimeUnit.SECONDS))
                    .as(KILL_AFTER + " ADDs succeed before the kill").isTrue();
            killed.set(true);
            agent.kill();
        });
    }

    /**
     * Every veth is the host end of a pod that holds an address; every host route goes to an address held by the
     * pod behind its veth; every rule names a held address; every pod address is held by that pod.
     */
    private void assertWiredOnlyForHolders(RoutedNode node, List<Cni.Pod> pods, Map<String, String> holders) {
        Map<Integer, String> containerOfVeth = new HashMap<>();
        for (Cni.Pod pod : pods) {
            node.podEnd(pod.ns()).ifPresent(eth0 -> {
                containerOfVeth.put(eth0.hostEnd(), pod.containerId());
                for (String a : eth0.addresses()) {
                    assertThat(holders.get(a)).as(a + " on eth0 in " + pod.ns()).isEqualTo(pod.containerId());
                }
            });
        }
        Map<String, String> containerOfDev = new HashMap<>();
        node.veths().forEach((index, name) -> {
            assertThat(containerOfVeth).as(name + " is the host end of a pod's eth0").containsKey(index);
            assertThat(holders).as(name + "'s pod holds an address").containsValue(containerOfVeth.get(index));
            containerOfDev.put(name, containerOfVeth.get(index));
        });
        for (RoutedNode.HostRoute r : node.hostRoutes()) {
            assertThat(holders.get(r.address())).as(r + ": its address is held by the pod behind " + r.dev())
                    .isNotNull().isEqualTo(containerOfDev.get(r.dev()));
        }
        for (RoutedNode.PodRule r : node.podRules()) {
            assertThat(holders).as(r + " names a held address").containsKey(r.address());
        }
    }

    /**
     * The pods hold distinct addresses, exactly those of their results; each has one host route on the pod's veth,
     * "to" at 512 and "from ... lookup 7" at 1536, and the node has nothing else.
     */
    private static void assertEachPodWiredOnce(RoutedNode node, Map<Cni.Pod, JsonNode> results,
                                               Map<String, String> holders) {
        assertThat(results).hasSize(PODS);
        Map<String, String> expected = new HashMap<>();
        List<RoutedNode.HostRoute> routes = new ArrayList<>();
        List<RoutedNode.PodRule> rules = new ArrayList<>();
        List<String> veths = new ArrayList<>();
        results.forEach((pod, r) -> {
            String veth = r.path("interfaces").get(0).path("name").asText();
            veths.add(veth);
            for (String a : hosts(r)) {
                assertThat(expected.put(a, pod.containerId())).as(a + " handed out twice").isNull();
                routes.add(new RoutedNode.HostRoute(a, veth));
                rules.add(new RoutedNode.PodRule(RoutedVeth.TO_POD_PRIORITY, a, "main"));
                rules.add(new RoutedNode.PodRule(RoutedVeth.FROM_POD_PRIORITY, a, "7"));
            }
        });
        assertThat(expected).hasSize(2 * PODS);
        assertThat(holders).isEqualTo(expected);
        assertThat(node.veths().values()).containsExactlyInAnyOrderElementsOf(veths);
        assertThat(node.hostRoutes()).containsExactlyInAnyOrderElementsOf(routes);
        assertThat(node.podRules()).containsExactlyInAnyOrderElementsOf(rules);
    }

    /** The pod addresses of a CNI result, without prefix length. */
    private static List<String> hosts(JsonNode result) {
        return Cni.addresses(result).stream().map(Cni::host).toList();
    }

    /** Who holds what, asked as {@code podnet ipam status} asks: container id by address (without prefix length). */
    private static Map<String, String> holders(Path socket) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (AgentReply.Allocation a : TestAgentStatus.allocations(socket)) {
            assertThat(out.put(Cni.host(a.address()), a.containerId())).as(a.address() + " held twice").isNull();
        }
        return out;
    }

    private static Map<Cni.Pod, Cni.Outcome> inParallel(List<Cni.Pod> pods, Function<Cni.Pod, Cni.Outcome> run)
            throws Exception {
        return inParallel(pods, run, () -> { });
    }

    /** Runs {@code run} for every pod at once, each on its own thread, and {@code meanwhile} on this one. */
    private static Map<Cni.Pod, Cni.Outcome> inParallel(List<Cni.Pod> pods, Function<Cni.Pod, Cni.Outcome> run,
                                                         Meanwhile meanwhile) throws Exception {
        Map<Cni.Pod, Future<Cni.Outcome>> runs = new LinkedHashMap<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            pods.forEach(pod -> runs.put(pod, threads.submit(() -> run.apply(pod))));
            meanwhile.run();
            threads.shutdown();
            assertThat(threads.awaitTermination(BURST.toSeconds(), TimeUnit.SECONDS)).as("the plugin runs end").isTrue();
        }
        Map<Cni.Pod, Cni.Outcome> out = new LinkedHashMap<>();
        for (Map.Entry<Cni.Pod, Future<Cni.Outcome>> e : runs.entrySet()) {
            out.put(e.getKey(), e.getValue().get());
        }
        return out;
    }
}
