package dev.podnet.warm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.InstanceSpec;
import dev.podnet.cloud.sim.SubnetSpec;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcSpec;
import dev.podnet.cloud.sim.WorldSpec;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.warm.WarmPoolConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prefix mode on a subnet with free addresses but no free aligned /28 (the VPC CNI fails every pod there): podnet
 * says why, falls back to single addresses, and returns to prefixes once blocks are free again.
 */
class PrefixFragmentationTest {
    static final String SUBNET = "subnet-0f000000000000001";
    static final String NODE = "i-0f000000000000001";

    @TempDir
    Path dir;

    /** 10.1.0.0/22: 64 aligned /28 blocks, enough that the node's own scattered single addresses leave some free. */
    static WorldSpec world() {
        return new WorldSpec("us-east-1",
                List.of(new VpcSpec("vpc-0f000000000000001", List.of("10.1.0.0/16"), Optional.empty())),
                List.of(new SubnetSpec(SUBNET, "us-east-1a", "10.1.0.0/22", Optional.empty(), Map.of())),
                List.of("sg-0f000000000000001"),
                List.of(new InstanceSpec(NODE, "m5.large", SUBNET, List.of())));
    }

    private static String primaryOf(Node node) {
        return node.cloud.describeNetworkInterfaces(EniFilter.attachedTo(NODE)).getFirst().primaryIpv4();
    }

    @Test
    void aFragmentedSubnetGetsSingleAddressesAndTheNodeReturnsToPrefixesWhenBlocksFree() {
        WarmPoolConfig config = WarmPoolConfig.builder().prefixMode(true).build();
        try (Node node = new Node(dir, world(), NODE, "m5.large", config, 29, Optional.empty(), List.of("10.1.0.0/22"),
                ThrottleConfig.UNLIMITED)) {
            NetworkInterface neighbour = node.cloud.createNetworkInterface(new CreateEni(SUBNET, List.of(), "neighbour", Map.of()));
            // One address in every aligned /28 (the node's and the neighbour's primaries already sit in two).
            List<String> blockers = new ArrayList<>();
            for (int block = 0; block < 64; block++) {
                String a = "10.1." + (block / 16) + "." + (block % 16 * 16 + 7);
                if (!a.equals(neighbour.primaryIpv4()) && !a.equals(primaryOf(node))) {
                    blockers.add(a);
                }
            }
            node.cloud.assignPrivateIpAddresses(neighbour.id(), blockers, false);
            node.settle();
            var stats = node.pool.stats();
            assertThat(stats.prefixes()).isZero();
            assertThat(stats.held()).as("single addresses up to WARM_PREFIX_TARGET's 16, on two ENIs of 9 slots")
                    .isEqualTo(18);
            assertThat(stats.fragmentation()).contains("no free aligned /28", SUBNET);
            Allocation pod = node.add(1);
            assertThat(pod.addresses()).hasSize(1);

            node.cloud.deleteNetworkInterface(neighbour.id());
            for (int i = 2; i < 12; i++) {
                node.add(i);
                node.settle();
            }
            assertThat(node.pool.stats().prefixes()).as("prefixes again once blocks are free").isPositive();
            for (int i = 1; i < 12; i++) {
                node.pool.release(Node.key(i));
            }
            node.advance(Duration.ofSeconds(31));
            node.settle();
            List<NetworkInterface> enis = node.cloud.describeNetworkInterfaces(EniFilter.attachedTo(NODE));
            assertThat(enis.stream().mapToInt(e -> e.ipv4Prefixes().size()).sum()).isEqualTo(1);
            assertThat(enis.stream().flatMap(e -> e.secondaryIpv4().stream()))
                    .as("the single addresses went back first").isEmpty();
        }
    }
}
