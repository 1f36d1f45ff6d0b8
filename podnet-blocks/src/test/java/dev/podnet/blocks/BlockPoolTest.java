package dev.podnet.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.IpamException;
import dev.podnet.store.EmbeddedStore;
import dev.podnet.store.KeyValue;
import inet.ipaddr.IPAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockPoolTest {
    private static final String BLOCKS = "/podnet/pools/cluster/blocks/";

    @TempDir
    Path dir;
    final TestClock clock = new TestClock();
    FlakyStore store;
    /** The nodes whose state the invariants are checked against after each test (crashed ones are taken out). */
    final List<TestNode> live = new ArrayList<>();
    BlockPoolConfig config = config("10.244.0.0/24").build();

    static BlockPoolConfig.Builder config(String cidr) {
        return BlockPoolConfig.builder("cluster", cidr).reclaimGrace(Duration.ZERO);
    }

    @BeforeEach
    void open() {
        store = new FlakyStore(EmbeddedStore.open(dir.resolve("store"), clock));
    }

    @AfterEach
    void invariants() {
        try {
            store.down(false);
            Invariants.check(store, config, live);
        } finally {
            live.forEach(TestNode::close);
            store.close();
        }
    }

    TestNode node(String name, Duration quarantine) {
        TestNode n = new TestNode(name, dir.resolve(name), store, config, clock, quarantine);
        live.add(n);
        return n;
    }

    TestNode node(String name) {
        return node(name, Duration.ZERO);
    }

    Map<String, Block> blocks() {
        BlockLayout layout = new BlockLayout(config);
        return store.range(BLOCKS).kvs().stream().collect(Collectors.toMap(KeyValue::key, kv ->
                BlockCodec.decode(kv.value(), layout.cidr(layout.index(kv.key()).orElseThrow()), layout.size())));
    }

    Block blockOf(String node) {
        return blocks().values().stream().filter(b -> b.affinity().equals(node)).findFirst().orElseThrow();
    }

    /** Moves time in steps, renewing the given nodes' leases as their loops would. */
    void advance(Duration total, TestNode... renewing) {
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plusSeconds(5)) {
            clock.advance(Duration.ofSeconds(5));
            for (TestNode n : renewing) {
                assertThat(n.registration.renew()).isTrue();
            }
        }
    }

    @Test
    void firstAddClaimsABlockAndReservesAChunkThenServesFromMemory() {
        TestNode a = node("node-a");
        IPAddress first = a.addAddress();

        List<KeyValue> kvs = store.range(BLOCKS).kvs();
        assertThat(kvs).hasSize(1);
        assertThat(kvs.getFirst().key()).matches(BLOCKS + "10\\.244\\.0\\.(0|64|128|192)-26");
        assertThat(kvs.getFirst().valueText()).startsWith("{\"cidr\":\"10.244.0.").contains("\"affinity\":\"node-a\"");
        Block b = blockOf("node-a");
        assertThat(b.holders().keySet()).containsExactly("node-a");
        int reserved = b.held("node-a").cardinality();
        assertThat(reserved).isBetween(8, 15);
        assertThat(b.cidr().network().contains(first)).isTrue();

        long writes = store.writes.get();
        for (int i = 1; i < reserved; i++) {
            a.add();
        }
        assertThat(store.writes.get()).as("no store write while the node has reserved addresses").isEqualTo(writes);
        assertThat(a.pool.freeAddresses()).isEmpty();
        a.add();
        assertThat(blockOf("node-a").held("node-a").cardinality()).as("the next chunk, same block")
                .isBetween(reserved + 8, reserved + 15);
        assertThat(blocks()).hasSize(1);
    }

    @Test
    void onlyThePoolsRangesAreHandedOutAsAnIpPoolsIpsLessItsExcludeIps() {
        config = config("10.244.0.0/24").ranges(List.of(
                IpRange.builder("10.244.0.0/24").rangeStart("10.244.0.10").rangeEnd("10.244.0.12").build(),
                IpRange.builder("10.244.0.0/24").rangeStart("10.244.0.200").rangeEnd("10.244.0.201").build()))
                .build();
        TestNode a = node("node-a");
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(a.addAddress().toCanonicalString());
        }
        assertThat(got).containsExactlyInAnyOrder("10.244.0.10", "10.244.0.11", "10.244.0.12", "10.244.0.200",
                "10.244.0.201");
        assertThatThrownBy(a::add).isInstanceOf(IpamException.class).hasMessageContaining("no free address");
    }

    @Test
    void aFullBlockLeadsToANewClaimNotToBorrowing() {
        TestNode a = node("node-a");
        for (int i = 0; i < 70 && a.pool.stats().blocks() < 2; i++) {
            a.add();
        }
        assertThat(a.pool.stats().blocks()).isEqualTo(2);
        assertThat(a.pool.stats().borrowedTotal()).isZero();
        assertThat(blocks().values()).allSatisfy(b -> assertThat(b.holders().keySet()).containsExactly("node-a"));
    }

    @Test
    void aClaimedAddressMovesToTheOtherNodeInOneSwapAndTheNodeItLeftNeverServesItAgain() {
        config = config("10.244.0.0/26").warmMargin(0).build();
        TestNode a = node("node-a");
        TestNode b = node("node-b");
        Allocation kept = a.add();
        IPAddress address = kept.addresses().getFirst().address();
        int offset = (int) (address.toIPv4().longValue() - 0x0AF40000L);

        Allocation moved = b.pool.claim(b.newKey(), address, Optional.empty());
        assertThat(moved.addresses().getFirst().address()).isEqualTo(address);
        assertThat(blockOf("node-a").held("node-b").get(offset)).isTrue();
        assertThat(blockOf("node-a").held("node-a").get(offset)).isFalse();
        // A retried ADD finds it here already.
        assertThat(b.pool.claim(moved.key(), address, Optional.empty())).isEqualTo(moved);

        assertThat(a.pool.forget(kept.key())).isPresent();
        assertThat(a.podAddresses()).doesNotContain(address);
        for (int i = 0; i < 60; i++) {
            try {
                assertThat(a.addAddress()).isNotEqualTo(address);
            } catch (IpamException e) {
                break;
            }
        }
        assertThat(blockOf("node-a").held("node-b").get(offset)).as("node-a never took it back").isTrue();
        Invariants.check(store, config, List.of(a, b));
    }

    @Test
    void nodesClaimFreeBlocksAndBorrowOnlyWhenNoneIsLeft() {
        config = config("10.244.0.0/25").build();
        TestNode a = node("node-a");
        TestNode b = node("node-b");
        a.add();
        b.add();
        assertThat(blocks()).hasSize(2);
        assertThat(blockOf("node-b").holders().keySet()).containsExactly("node-b");
        assertThat(b.pool.stats().borrowedTotal()).isZero();

        for (int i = 0; i < 70 && b.pool.stats().borrowing() == 0; i++) {
            b.add();
        }
        assertThat(b.pool.stats().borrowing()).as("b fills its block, then borrows").isEqualTo(1);
        assertThat(blockOf("node-a").holders().keySet()).containsExactly("node-a", "node-b");

        // a goes on from its own block, never from what b borrowed, until the whole pool is used.
        assertThatThrownBy(() -> {
            for (int i = 0; i < 200; i++) {
                a.add();
            }
        }).isInstanceOfSatisfying(IpamException.class, e -> {
            assertThat(e.reason()).isEqualTo(IpamException.Reason.EXHAUSTED);
            assertThat(e.getMessage()).contains("no block is left to claim");
        });
        assertThat(a.pool.freeAddresses()).isEmpty();
        // What b borrowed but has not used yet stays b's: every address is a pod's or on b's free list.
        Set<IPAddress> all = new HashSet<>(a.podAddresses());
        all.addAll(b.podAddresses());
        all.addAll(b.pool.freeAddresses());
        assertThat(all).as("128 addresses less network, gateway and broadcast").hasSize(125);
    }

    @Test
    void givesBackFreeChunksAboveTheMarginAndReleasesAnEmptyBlock() {
        config = config("10.244.0.0/24").warmMargin(0).build();
        TestNode a = node("node-a");
        List<Allocation> pods = new ArrayList<>();
        for (int i = 0; i < 70 && a.pool.stats().blocks() < 2; i++) {
            pods.add(a.add());
        }
        assertThat(blocks()).hasSize(2);
        pods.forEach(p -> a.pool.release(p.key()));

        BlockPool.Maintenance m = a.pool.maintain();
        assertThat(m.failure()).isEmpty();
        assertThat(m.unreserved()).isPositive();
        assertThat(m.blocksReleased()).isEqualTo(1);
        assertThat(blocks()).hasSize(1);
        assertThat(a.pool.freeAddresses()).hasSizeBetween(8, 15);
        assertThat(a.pool.maintain().unreserved()).as("steady below margin + 2 chunks").isZero();
    }

    @Test
    void addressesInQuarantineAreNotGivenBack() {
        config = config("10.244.0.0/24").warmMargin(0).build();
        TestNode a = node("node-a", Duration.ofSeconds(30));
        List<Allocation> pods = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            pods.add(a.add());
        }
        pods.forEach(p -> a.pool.release(p.key()));
        assertThat(a.pool.maintain().unreserved()).isZero();
        assertThat(a.pool.stats().quarantined()).isEqualTo(24);

        advance(Duration.ofSeconds(31), a);
        assertThat(a.pool.maintain().unreserved()).isPositive();
    }

    @Test
    void aDepartedNodesBlocksAndBorrowedAddressesAreReclaimedAfterTheGrace() {
        config = config("10.244.0.0/25").reclaimGrace(Duration.ofSeconds(10)).build();
        TestNode a = node("node-a");
        TestNode b = node("node-b");
        a.add();
        for (int i = 0; i < 70 && b.pool.stats().borrowing() == 0; i++) {
            b.add();
        }
        assertThat(blockOf("node-a").holders().keySet()).containsExactly("node-a", "node-b");
        b.crash();
        live.remove(b);

        advance(Duration.ofSeconds(35), a);
        assertThat(store.get("/podnet/nodes/node-b")).as("b's lease expired").isEmpty();
        assertThat(a.pool.maintain().reclaimed()).as("within the grace").isZero();
        assertThat(blocks()).hasSize(2);

        advance(Duration.ofSeconds(10), a);
        assertThat(a.pool.maintain().reclaimed()).isEqualTo(2);
        assertThat(blocks()).hasSize(1);
        assertThat(blockOf("node-a").holders().keySet()).containsExactly("node-a");

        for (int i = 0; i < 130 && a.pool.stats().blocks() < 2; i++) {
            a.add();
        }
        assertThat(a.pool.stats().blocks()).as("b's block is free to claim again").isEqualTo(2);
    }

    @Test
    void noReclaimWhileTheStoreIsUnreachableAndAddsFailWithTryAgainOnceMemoryIsEmpty() {
        TestNode a = node("node-a");
        a.add();
        store.down(true);
        while (!a.pool.freeAddresses().isEmpty()) {
            a.add();
        }
        assertThatThrownBy(a::add).isInstanceOfSatisfying(IpamException.class, e -> {
            assertThat(e.reason()).isEqualTo(IpamException.Reason.EXHAUSTED);
            assertThat(e.getMessage()).contains("cluster store is unavailable").contains("try again later");
        });
        BlockPool.Maintenance m = a.pool.maintain();
        assertThat(m.failure()).contains("down");
        assertThat(m.reclaimed()).isZero();
        assertThat(a.pool.stats().storeFailures()).isEqualTo(1);

        store.down(false);
        assertThat(a.addAddress()).isNotNull();
    }

    @Test
    void aNodeWhoseRecordCannotBeRenewedStopsHandingOut() {
        TestNode a = node("node-a");
        a.add();
        assertThat(a.pool.freeAddresses()).isNotEmpty();
        store.down(true);
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(a::add).isInstanceOfSatisfying(IpamException.class, e -> {
            assertThat(e.reason()).isEqualTo(IpamException.Reason.EXHAUSTED);
            assertThat(e.getMessage()).contains("could not be renewed");
        });
        store.down(false);
        a.add();
        assertThat(a.registration.epoch()).as("the lease expired meanwhile: registered anew").isEqualTo(2);
    }

    @Test
    void aLapsedLeaseIsReplacedAndTheHoldingsReconfirmed() {
        TestNode a = node("node-a");
        Set<IPAddress> before = Set.of(a.addAddress(), a.addAddress());
        long writes = store.writes.get();
        clock.advance(Duration.ofSeconds(31));
        a.add();
        assertThat(a.registration.epoch()).isEqualTo(2);
        assertThat(store.writes.get()).as("new record and a confirming write of the block").isGreaterThan(writes + 1);
        assertThat(a.podAddresses()).containsAll(before).hasSize(3);
    }

    @Test
    void aRestartRebuildsTheFreeListFromTheHolderBitsLessThePods() {
        TestNode a = node("node-a");
        for (int i = 0; i < 5; i++) {
            a.add();
        }
        Set<IPAddress> reserved = a.pool.reservedAddresses();
        Set<IPAddress> pods = a.podAddresses();
        a.restart();

        assertThat(a.pool.reservedAddresses()).isEqualTo(reserved);
        assertThat(new HashSet<>(a.pool.freeAddresses())).hasSize(reserved.size() - 5)
                .doesNotContainAnyElementsOf(pods);
        long writes = store.writes.get();
        for (int i = 0; i < reserved.size() - 5; i++) {
            assertThat(pods).doesNotContain(a.addAddress());
        }
        assertThat(store.writes.get()).isEqualTo(writes);
    }

    @Test
    void aRestartPutsBackPodAddressesTheStoreLost() {
        TestNode a = node("node-a");
        for (int i = 0; i < 5; i++) {
            a.add();
        }
        Set<IPAddress> pods = a.podAddresses();
        a.crash();
        KeyValue kv = store.range(BLOCKS).kvs().getFirst();
        store.deleteIfRevision(kv.key(), kv.modRevision());

        a.start();
        assertThat(blockOf("node-a").held("node-a").cardinality()).isEqualTo(5);
        assertThat(a.pool.reservedAddresses()).isEqualTo(pods);
        assertThat(a.pool.freeAddresses()).isEmpty();
    }

    @Test
    void aRequestedAddressMustBeAFreeOneOfThisNode() {
        TestNode a = node("node-a");
        TestNode b = node("node-b");
        a.add();
        b.add();
        IPAddress mine = a.pool.freeAddresses().getFirst();
        IPAddress theirs = b.pool.freeAddresses().getFirst();
        assertThat(a.pool.allocate(a.newKey(), List.of(mine)).addresses().getFirst().address()).isEqualTo(mine);
        assertThatThrownBy(() -> a.pool.allocate(a.newKey(), List.of(theirs)))
                .isInstanceOfSatisfying(IpamException.class, e -> {
                    assertThat(e.reason()).isEqualTo(IpamException.Reason.CONFLICT);
                    assertThat(e.getMessage()).contains("node-a");
                });
    }

    @Test
    void addIsIdempotentAndDelGivesTheAddressBack() {
        TestNode a = node("node-a");
        var key = a.newKey();
        Allocation first = a.pool.allocate(key, List.of());
        assertThat(a.pool.allocate(key, List.of())).isEqualTo(first);
        int free = a.pool.freeAddresses().size();
        assertThat(a.pool.release(key)).contains(first);
        assertThat(a.pool.freeAddresses()).hasSize(free + 1);
        assertThat(a.pool.freeAddresses().getLast()).isEqualTo(first.addresses().getFirst().address());
        assertThat(a.pool.release(key)).isEmpty();
    }

    @Test
    void gcReleasesWhatTheRuntimeNoLongerHas() {
        TestNode a = node("node-a");
        Allocation keep = a.add();
        a.add();
        assertThat(a.pool.gc(Set.of(keep.key()))).hasSize(1);
        assertThat(a.podAddresses()).containsExactly(keep.addresses().getFirst().address());
    }
}
