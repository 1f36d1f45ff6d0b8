package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocationTableTest {

    /**
     * Container ids built of "Aa" and "BB", which have the same {@code String} hash: every id of the same length has
     * the same hash, so these keys collide in full and the table must tell them apart by key.
     */
    static AttachmentKey colliding(int n) {
        StringBuilder id = new StringBuilder("c");
        for (int bit = 0; bit < 7; bit++) {
            id.append((n >> bit & 1) == 0 ? "Aa" : "BB");
        }
        return AttachmentKey.of(id.toString(), "eth0");
    }

    static Allocation allocation(AttachmentKey key) {
        return new Allocation(key, "p", List.of(), Instant.EPOCH, java.util.Optional.empty());
    }

    /** Adds and removes in any order, through growth, runs of equal hashes and removals that shift entries back. */
    @Test
    void agreesWithAHashMapUnderRandomAddsAndRemoves() {
        qt().withExamples(300)
                .forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(0, 300))
                .checkAssert(ops -> {
                    AllocationTable table = new AllocationTable();
                    Map<AttachmentKey, Allocation> model = new HashMap<>();
                    for (int op : ops) {
                        int n = op % 64;
                        AttachmentKey key = op / 64 % 2 == 0 ? colliding(n) : AttachmentKey.of("k" + n, "eth0");
                        if (op / 128 % 3 == 0) {
                            assertThat(table.remove(key)).isEqualTo(model.remove(key));
                        } else if (!model.containsKey(key)) {
                            Allocation a = allocation(key);
                            table.add(a);
                            model.put(key, a);
                        }
                        assertThat(table.size()).isEqualTo(model.size());
                        for (Map.Entry<AttachmentKey, Allocation> e : model.entrySet()) {
                            assertThat(table.get(e.getKey())).isSameAs(e.getValue());
                        }
                        assertThat(table.get(colliding(64))).isNull(); // same hash, never added
                    }
                    assertThat(table.values()).containsExactlyInAnyOrderElementsOf(model.values());
                });
    }

    @Test
    void findsByEqualKeysAndRefusesASecondAllocationForOne() {
        AllocationTable table = new AllocationTable();
        Allocation a = allocation(AttachmentKey.of("c1", "eth0"));
        table.add(a);

        assertThat(table.containsKey(AttachmentKey.of("c1", "eth0"))).isTrue();
        assertThat(table.get(AttachmentKey.of("c1", "eth1"))).isNull();
        assertThatThrownBy(() -> table.add(allocation(AttachmentKey.of("c1", "eth0"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("c1/eth0");
        assertThat(table.remove(AttachmentKey.of("c1", "eth0"))).isSameAs(a);
        assertThat(table.remove(AttachmentKey.of("c1", "eth0"))).isNull();
        assertThat(table.size()).isZero();
    }
}
