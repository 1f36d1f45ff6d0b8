package dev.podnet.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.warm.PoolAction;
import dev.podnet.ipam.warm.WarmPoolConfig;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Custom networking with an ENIConfig that changes or is missing: the warm pool asks at each new ENI. */
class EniConfigSourceTest {
    private static final WarmPoolConfig CUSTOM = WarmPoolConfig.builder().customNetworking(true).build();
    private static final String OTHER_POD_CIDR = "100.64.192.0/18";

    @TempDir
    Path dir;

    /** The ENIConfig of the moment, or none (null). */
    private final AtomicReference<EniConfig> now = new AtomicReference<>();

    private final EniConfigSource source = () -> {
        EniConfig c = now.get();
        if (c == null) {
            throw new NoEniConfigException("no ENIConfig named \"default\"");
        }
        return c;
    };

    private Node node() {
        return new Node(dir, DefaultWorld.INSTANCE_M5_LARGE, "m5.large", CUSTOM, 20, Optional.of(source),
                List.of("100.64.0.0/18", OTHER_POD_CIDR), ThrottleConfig.UNLIMITED);
    }

    private static List<NetworkInterface> enis(Node node) {
        return node.cloud.describeNetworkInterfaces(EniFilter.attachedTo(node.instanceId)).stream()
                .sorted(Comparator.comparingInt(e -> e.attachment().orElseThrow().deviceIndex())).toList();
    }

    @Test
    void aNewEniTakesTheEniConfigOfThatMomentAndTheEnisBeforeItKeepTheirs() {
        now.set(new EniConfig("default", DefaultWorld.POD_SUBNET_A, List.of(DefaultWorld.SECURITY_GROUP_PODS)));
        try (Node node = node()) {
            String other = node.cloud.createSubnet(DefaultWorld.VPC_ID, "us-east-1a", OTHER_POD_CIDR, Map.of()).id();
            node.settle();
            assertThat(enis(node)).hasSize(2);
            now.set(new EniConfig("default", other, List.of()));
            node.add(0); // WARM_ENI_TARGET=1: a whole ENI's addresses must stay free, so a second pod ENI comes
            node.settle();
            List<NetworkInterface> enis = enis(node);
            assertThat(enis).hasSize(3);
            assertThat(enis.get(1).subnetId()).isEqualTo(DefaultWorld.POD_SUBNET_A);
            assertThat(enis.get(1).securityGroups()).containsExactly(DefaultWorld.SECURITY_GROUP_PODS);
            assertThat(enis.get(2).subnetId()).isEqualTo(other);
            assertThat(enis.get(2).securityGroups()).as("none in the ENIConfig: the primary ENI's")
                    .containsExactly(DefaultWorld.SECURITY_GROUP_DEFAULT);
        }
    }

    @Test
    void withoutAnEniConfigNoEniIsCreatedPodsAreToldWhyAndTheNextRoundUsesOneThatAppears() {
        try (Node node = node()) {
            StepOutcome outcome = node.pool.step();
            assertThat(outcome.action()).containsInstanceOf(PoolAction.AttachEni.class);
            assertThat(outcome.failure()).hasValue("no ENI is created: no ENIConfig named \"default\"");
            assertThat(node.cloud.describeNetworkInterfaces(EniFilter.tagged(Map.of(NodeContext.TAG_NODE,
                    node.instanceId)))).as("no ENI created, not even one left unattached").isEmpty();
            assertThat(node.pool.stats().noEniConfig()).isEqualTo("no ENIConfig named \"default\"");
            assertThatThrownBy(() -> node.add(0)).isInstanceOfSatisfying(IpamException.class, e -> {
                assertThat(e.reason()).isEqualTo(IpamException.Reason.EXHAUSTED);
                assertThat(e.getMessage()).endsWith("no ENI is created: no ENIConfig named \"default\"");
            });

            now.set(new EniConfig("default", DefaultWorld.POD_SUBNET_A, List.of()));
            node.settle();
            assertThat(enis(node)).extracting(NetworkInterface::subnetId)
                    .containsExactly(DefaultWorld.NODE_SUBNET_A, DefaultWorld.POD_SUBNET_A);
            assertThat(node.pool.stats().noEniConfig()).isEmpty();
            assertThat(node.add(0).addresses()).hasSize(1);
        }
    }

    @Test
    void anEniConfigNamingASubnetThePoolDoesNotServeIsRefusedWithWhy() {
        EniConfigSource fixed = new EniConfigSource.Fixed(new EniConfig("us-east-1a", DefaultWorld.POD_SUBNET_B,
                List.of()));
        assertThat(fixed.within(Set.of(DefaultWorld.POD_SUBNET_B), "in us-east-1b").current().subnet())
                .isEqualTo(DefaultWorld.POD_SUBNET_B);
        assertThatThrownBy(() -> fixed.within(Set.of(DefaultWorld.POD_SUBNET_A), "a subnet of us-east-1a").current())
                .isInstanceOf(NoEniConfigException.class)
                .hasMessage("ENIConfig \"us-east-1a\" names " + DefaultWorld.POD_SUBNET_B
                        + ", which is not a subnet of us-east-1a");
    }
}
