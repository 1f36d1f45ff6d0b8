package dev.podnet.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import inet.ipaddr.IPAddress;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What must hold after every test, read from the store and the nodes' engines. */
final class Invariants {
    private Invariants() {
    }

    /** Every address of the store's blocks, by the node holding it; fails if two holders share one. */
    static Map<IPAddress, String> holders(ClusterStore store, BlockPoolConfig config) {
        BlockLayout layout = new BlockLayout(config);
        Map<IPAddress, String> owner = new HashMap<>();
        for (KeyValue kv : store.range(layout.prefix()).kvs()) {
            int index = layout.index(kv.key()).orElseThrow();
            Block b = BlockCodec.decode(kv.value(), layout.cidr(index), layout.size());
            BitSet unusable = layout.unusable(index);
            b.holders().forEach((node, bits) -> {
                BitSet bad = (BitSet) bits.clone();
                bad.and(unusable);
                assertThat(bad.isEmpty()).as("reserved-by-the-engine offsets of %s held by %s", kv.key(), node).isTrue();
                for (IPAddress a : layout.addresses(index, bits)) {
                    String before = owner.put(a, node);
                    assertThat(before).as("%s is in two holders of %s", a, kv.key()).isNull();
                }
            });
        }
        return owner;
    }

    static void check(ClusterStore store, BlockPoolConfig config, List<TestNode> nodes) {
        Map<IPAddress, String> owner = holders(store, config);
        Set<IPAddress> pods = new HashSet<>();
        for (TestNode n : nodes) {
            for (IPAddress a : n.podAddresses()) {
                assertThat(pods.add(a)).as("%s is held by pods on two nodes", a).isTrue();
                assertThat(owner.get(a)).as("pod address %s on %s is in its holder bits", a, n.name).isEqualTo(n.name);
            }
            Set<IPAddress> inStore = new HashSet<>();
            owner.forEach((a, node) -> {
                if (node.equals(n.name)) {
                    inStore.add(a);
                }
            });
            assertThat(n.pool.reservedAddresses()).as("what %s believes it reserved", n.name).isEqualTo(inStore);
            Set<IPAddress> accounted = new HashSet<>(n.podAddresses());
            List<IPAddress> free = n.pool.freeAddresses();
            assertThat(free.stream().filter(accounted::contains).toList()).as("free addresses of %s held by pods", n.name)
                    .isEmpty();
            accounted.addAll(free);
            assertThat(accounted).as("%s: every reserved address is a pod's or free", n.name).isEqualTo(inStore);
        }
    }
}
