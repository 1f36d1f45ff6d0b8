package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import dev.podnet.blocks.BlockPoolConfig;
import dev.podnet.blocks.ClusterSettings;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.kube.KubeMock;
import dev.podnet.store.EmbeddedStore;
import dev.podnet.store.kube.KubeStore;
import dev.podnet.warm.PodFamilies;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The agent running PODNET_WARM_POLICY: its pool serves pods, and with a cluster store it joins the shared budget. */
class AgentWarmPolicyTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    @TempDir
    Path dir;

    private AgentConfig config(VpcEmulator cloud, Optional<ClusterSettings> cluster) {
        CloudPoolConfig c = new CloudPoolConfig(cloud, DefaultWorld.INSTANCE_M5_LARGE, "test",
                CloudPoolConfig.DEFAULT_POOL, WarmPoolConfig.defaults(), Optional.empty(), type -> 29,
                Duration.ofMillis(50), Optional.empty(), PodFamilies.IPV4,
                WarmPolicySetting.of(Map.of(WarmPolicySetting.POLICY, "adaptive")));
        return new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"), Optional.empty(), Optional.empty(),
                List.of(), Duration.ofSeconds(30), Optional.of(c), cluster);
    }

    @Test
    void theAdaptivePoolServesPodsWithABudgetOfItsOwn() throws Exception {
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        AgentConfig config = config(cloud, Optional.empty());
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            addPods(config, 5);
        }
    }

    @Test
    void withAClusterStoreTheNodeJoinsTheSharedBudget() throws Exception {
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        Path store = dir.resolve("store");
        ClusterSettings cluster = new ClusterSettings(BlockPoolConfig.builder("cluster", "10.244.0.0/16").build(),
                "node-a", clock -> EmbeddedStore.open(store, clock), "the embedded store in " + store);
        AgentConfig config = config(cloud, Optional.of(cluster));
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            addPods(config, 5);
        }
        try (EmbeddedStore reopened = EmbeddedStore.open(store, InstantSource.system())) {
            assertThat(reopened.get(StoreCallBudget.KEY)).as("the budget the pool's calls drew on").isPresent();
            assertThat(reopened.range(BudgetMembers.PREFIX).kvs()).as("members after the agent left").isEmpty();
        }
    }

    @Test
    void withOnlyAnApiServerTheBudgetLivesThere() throws Exception {
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        AgentConfig config = config(cloud, Optional.empty())
                .withKube(Optional.of(new KubeApi(API.podnetClient(), "node-a", Duration.ofHours(1))));
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            addPods(config, 5);
        }
        try (KubeStore store = KubeStore.builder(API.client(), InstantSource.system()).name("ec2-budget").open()) {
            assertThat(store.get(StoreCallBudget.KEY)).as("the budget the pool's calls drew on").isPresent();
            assertThat(store.range(BudgetMembers.PREFIX).kvs()).as("members after the agent left").isEmpty();
        }
    }

    private static void addPods(AgentConfig config, int pods) throws Exception {
        for (int i = 0; i < pods; i++) {
            int pod = i;
            AgentCloudTest.await("pod " + pod + " has an address", () -> {
                AgentReply reply;
                try {
                    reply = AgentTest.ask(config.socket(),
                            AgentRequest.add("pod" + pod, "eth0", "/x", null, List.of(), Map.of()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (reply instanceof AgentReply.Failure f) {
                    assertThat(f.code()).isEqualTo(CniException.TRY_AGAIN_LATER);
                    return false;
                }
                return true;
            });
        }
    }
}
