package dev.podnet.warm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.warm.WarmPoolConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts of the agent at the moments the VPC CNI is known to lose ENIs or addresses. */
class WarmPoolRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void aRestartAdoptsTheEnisAndAddressesEc2ReportsAndKeepsEveryPod() {
        try (Node node = Node.m5large(dir, WarmPoolConfig.defaults())) {
            node.settle();
            List<Allocation> pods = IntStream.range(0, 14).mapToObj(i -> {
                Allocation a = node.add(i);
                node.settle();
                return a;
            }).toList();
            var before = node.pool.stats();
            node.reopen();
            assertThat(node.pool.stats().enis()).isEqualTo(before.enis());
            assertThat(node.pool.stats().held()).isEqualTo(before.held());
            assertThat(node.pool.stats().inUse()).isEqualTo(14);
            Set<String> old = pods.stream().map(a -> a.addresses().getFirst().address().toString()).collect(Collectors.toSet());
            for (int i = 100; i < 110; i++) {
                assertThat(old).doesNotContain(node.add(i).addresses().getFirst().address().toString());
            }
        }
    }

    @Test
    void aRestartKeepsTheReleaseCooldownSoATerminatingPodsAddressIsNotReused() {
        try (Node node = Node.m5large(dir, WarmPoolConfig.builder().warmIpTarget(1).build())) {
            node.settle();
            Allocation leaving = node.add(1);
            node.pool.release(leaving.key());
            node.reopen();
            String address = leaving.addresses().getFirst().address().toString();
            node.settle();
            assertThat(WarmPoolTest.assignedInEc2(node)).as("not given back during its cooldown").contains(address);
            for (int i = 10; i < 20; i++) {
                assertThat(node.add(i).addresses().getFirst().address().toString()).isNotEqualTo(address);
                node.settle();
            }
            node.advance(Duration.ofSeconds(31));
            node.settle();
        }
    }

    @Test
    void aCrashBetweenCreateAndAttachIsFinishedNotDropped() {
        try (Node node = Node.m5large(dir, WarmPoolConfig.defaults())) {
            node.settle();
            String token = "00000000deadbeef";
            Map<String, String> tags = new HashMap<>(Map.of(NodeContext.TAG_NODE, node.instanceId,
                    NodeContext.TAG_CLUSTER, "test", NodeContext.TAG_CREATE_TOKEN, token));
            NetworkInterface made = node.cloud.createNetworkInterface(new CreateEni(DefaultWorld.NODE_SUBNET_A,
                    List.of(), "half-made", tags));
            new PendingOperation.Store(dir).write(new PendingOperation.Create(token));
            node.reopen();
            NetworkInterface now = node.cloud.describeNetworkInterfaces(EniFilter.ids(made.id())).getFirst();
            assertThat(now.attachment()).isPresent();
            assertThat(now.attachment().get().instanceId()).isEqualTo(node.instanceId);
            assertThat(new PendingOperation.Store(dir).read()).isEmpty();
        }
    }

    @Test
    void leakedEnisOfThisNodeAreDeletedOthersAreLeftAlone() {
        try (Node node = Node.m5large(dir, WarmPoolConfig.defaults())) {
            NetworkInterface leak = node.cloud.createNetworkInterface(new CreateEni(DefaultWorld.NODE_SUBNET_A,
                    List.of(), "leak", Map.of(NodeContext.TAG_NODE, node.instanceId, NodeContext.TAG_CLUSTER, "test")));
            NetworkInterface foreign = node.cloud.createNetworkInterface(new CreateEni(DefaultWorld.NODE_SUBNET_A,
                    List.of(), "someone else's", Map.of("team", "db")));
            node.reopen();
            assertThat(node.cloud.describeNetworkInterfaces(EniFilter.all()).stream().map(NetworkInterface::id))
                    .doesNotContain(leak.id()).contains(foreign.id());
        }
    }

    @Test
    void aPendingDeleteIsFinishedAfterARestart() {
        try (Node node = Node.m5large(dir, WarmPoolConfig.defaults())) {
            node.settle();
            node.add(1);
            node.settle();
            NetworkInterface second = node.cloud.describeNetworkInterfaces(EniFilter.attachedTo(node.instanceId)).stream()
                    .filter(e -> e.attachment().orElseThrow().deviceIndex() == 1).findFirst().orElseThrow();
            new PendingOperation.Store(dir).write(new PendingOperation.Delete(second.id()));
            node.reopen();
            node.pool.step();
            assertThat(node.cloud.describeNetworkInterfaces(EniFilter.all()).stream().map(NetworkInterface::id))
                    .doesNotContain(second.id());
        }
    }
}
