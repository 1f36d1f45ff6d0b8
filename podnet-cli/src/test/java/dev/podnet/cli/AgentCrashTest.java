package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.Attachment;
import dev.podnet.api.CniResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the agent in the middle of 1,000 concurrent ADDs and DELs, again and again on the same state: after each
 * restart no address is held twice, every acknowledged allocation is still there, every acknowledged release is
 * gone, and GC against the runtime's list accounts for every address. Rounds: -Dpodnet.crashRounds (default 10).
 */
@Tag("crash")
class AgentCrashTest {
    private static final int REQUESTS = 1_000;
    private static final String POOL = "crash=10.66.0.0/16";

    @TempDir
    Path dir;

    @Test
    void killNineNeverDuplicatesOrLosesAnAcknowledgedAddress() throws Exception {
        int rounds = Integer.getInteger("podnet.crashRounds", 10);
        long seed = Long.getLong("podnet.crashSeed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("AgentCrashTest: " + rounds + " rounds, seed " + seed);
        Path socket = dir.resolve("agent.sock");
        Map<String, Set<String>> live = new HashMap<>();   // acknowledged and not released: must survive
        int killedWithRequestsInFlight = 0;
        for (int round = 0; round < rounds; round++) {
            Process agent = AgentProcess.start(dir, socket, POOL, "--quarantine", "0");
            try {
                AgentProcess.awaitAnswer(socket, agent);
                Map<String, Set<String>> acked = new ConcurrentHashMap<>();
                Set<String> released = ConcurrentHashMap.newKeySet();
                Set<String> unsure = ConcurrentHashMap.newKeySet();
                int r = round;
                long killAfterMillis = random.nextInt(400);
                try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < REQUESTS; i++) {
                        String id = "r" + r + "c" + i;
                        boolean delete = i % 2 == 0;
                        clients.submit(() -> churn(socket, id, delete, acked, released, unsure));
                    }
                    Thread.sleep(killAfterMillis); // when to crash is the random input here, not a wait for a condition
                    agent.destroyForcibly();
                    assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
                if (!unsure.isEmpty()) {
                    killedWithRequestsInFlight++;
                }
                acked.forEach((id, addresses) -> {
                    if (!released.contains(id)) {
                        live.put(id, addresses);
                    }
                });
                released.forEach(live::remove);
                // A DEL cut off by the crash may or may not have happened: either answer is right, so those are
                // checked for being whole if present, and the runtime's GC below settles them.
                Set<String> undecided = new HashSet<>(unsure);
                undecided.retainAll(live.keySet());
                agent = AgentProcess.start(dir, socket, POOL, "--quarantine", "0");
                AgentProcess.awaitAnswer(socket, agent);
                AgentReply.Status status = AgentProcess.status(socket);
                Map<String, String> holder = new HashMap<>();
                for (AgentReply.Allocation a : status.allocations()) {
                    String previous = holder.put(a.address(), a.containerId());
                    assertThat(previous).as("round %d: %s held by %s and %s", round, a.address(), previous, a.containerId())
                            .isNull();
                }
                Map<String, Set<String>> held = new HashMap<>();
                status.allocations().forEach(a -> held.computeIfAbsent(a.containerId(), k -> new HashSet<>()).add(a.address()));
                for (Map.Entry<String, Set<String>> e : live.entrySet()) {
                    if (undecided.contains(e.getKey()) && !held.containsKey(e.getKey())) {
                        continue;
                    }
                    assertThat(held.get(e.getKey())).as("round %d: acknowledged %s lost", round, e.getKey()).isEqualTo(e.getValue());
                }
                undecided.stream().filter(id -> !held.containsKey(id)).forEach(live::remove);
                for (String id : released) {
                    assertThat(held).as("round %d: released %s came back", round, id).doesNotContainKey(id);
                }
                // What the agent holds beyond the acknowledged set is in-flight work the runtime never saw succeed;
                // its GC, with the runtime's list, gives it back.
                List<Attachment> valid = live.keySet().stream().map(id -> new Attachment(id, "eth0")).toList();
                assertThat(AgentProcess.ask(socket, AgentRequest.gc(null, valid))).isInstanceOf(AgentReply.Success.class);
                AgentReply.Status after = AgentProcess.status(socket);
                assertThat(after.allocations()).extracting(AgentReply.Allocation::containerId).containsOnlyOnceElementsOf(
                        after.allocations().stream().map(AgentReply.Allocation::containerId).distinct().toList());
                assertThat(after.allocations().stream().map(AgentReply.Allocation::containerId).distinct().sorted().toList())
                        .isEqualTo(live.keySet().stream().sorted().toList());
                AgentReply.PoolStatus pool = after.pools().getFirst();
                assertThat(pool.used()).isEqualTo(live.size());
                assertThat(pool.used() + pool.free() + pool.quarantined()).isEqualTo(pool.total());
            } finally {
                agent.destroy();
                agent.waitFor(30, TimeUnit.SECONDS);
            }
        }
        System.out.printf("AgentCrashTest: %d rounds, %d killed with requests in flight, %d live allocations at the end%n",
                rounds, killedWithRequestsInFlight, live.size());
    }

    private static void churn(Path socket, String id, boolean delete, Map<String, Set<String>> acked,
                              Set<String> released, Set<String> unsure) {
        try {
            AgentReply add = AgentProcess.ask(socket, AgentRequest.add(id, "eth0", "/var/run/netns/" + id, null, List.of(), Map.of()));
            if (add instanceof AgentReply.Success s && s.result() != null) {
                Set<String> addresses = new HashSet<>();
                s.result().ips().stream().map(CniResult.IpConfig::address).forEach(addresses::add);
                acked.put(id, addresses);
                if (delete && AgentProcess.ask(socket, AgentRequest.del(id, "eth0", "/n", null, Map.of())) instanceof AgentReply.Success) {
                    released.add(id);
                }
            }
        } catch (IOException | RuntimeException e) {
            unsure.add(id); // the agent died before answering: the runtime would retry or GC it
        }
    }
}
