package dev.podnet.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.store.EmbeddedStore;
import dev.podnet.store.KeyValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LeaseManager on the embedded store, in virtual time. */
class LeaseManagerTest {
    private static final String PREFIX = "/coreos.com/network";
    private static final Duration TTL = Duration.ofHours(1);
    /** Always the first free candidate: the most contention, and a predictable pick. */
    private static final RandomGenerator FIRST = () -> 0L;
    /** Always the last of the candidates. */
    private static final RandomGenerator LAST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public int nextInt(int bound) {
            return bound - 1;
        }
    };

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private EmbeddedStore store;

    @BeforeEach
    void open() {
        store = EmbeddedStore.open(dir, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static FlannelConfig config(String min, String max) {
        return FlannelConfig.parse("{\"Network\":\"10.5.0.0/16\",\"SubnetLen\":24,\"SubnetMin\":\"" + min
                + "\",\"SubnetMax\":\"" + max + "\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1}}", "test");
    }

    private LeaseManager manager(FlannelConfig config, RandomGenerator random) {
        return new LeaseManager(store, PREFIX, config, TTL, clock, random);
    }

    private static LeaseAttrs node(int n) {
        return LeaseAttrs.vxlan("192.168.77." + n, 1, "aa:bb:cc:00:00:%02x".formatted(n));
    }

    private String value(Ipv4Net subnet) {
        return store.get(PREFIX + "/subnets/" + subnet.ip() + "-" + subnet.prefixLength()).map(KeyValue::valueText).orElse(null);
    }

    @Test
    void leasesAFreeSubnetInFlannelsKeyAndValueUnderAStoreLease() {
        SubnetLease l = manager(config("10.5.1.0", "10.5.254.0"), new Random(7)).acquire(node(1));

        assertThat(config("10.5.1.0", "10.5.254.0").leasable(l.subnet())).isTrue();
        KeyValue kv = store.get(PREFIX + "/subnets/" + l.key()).orElseThrow();
        assertThat(kv.valueText()).isEqualTo("{\"PublicIP\":\"192.168.77.1\",\"BackendType\":\"vxlan\","
                + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:00:00:01\"}}");
        assertThat(kv.lease()).isNotZero().isEqualTo(l.storeLease());

        clock.advance(TTL.plusSeconds(1));
        assertThat(store.get(kv.key())).as("the key lives and dies with its store lease").isEmpty();
    }

    @Test
    void aRestartedNodeKeepsItsSubnetAndUpdatesItsVtepMac() {
        FlannelConfig config = config("10.5.1.0", "10.5.254.0");
        SubnetLease first = manager(config, new Random(1)).acquire(node(3));

        LeaseAttrs newMac = LeaseAttrs.vxlan("192.168.77.3", 1, "aa:bb:cc:00:00:99");
        SubnetLease again = manager(config, new Random(2)).acquire(newMac);

        assertThat(again.subnet()).isEqualTo(first.subnet());
        assertThat(store.range(PREFIX + "/subnets/").kvs()).hasSize(1);
        assertThat(value(first.subnet())).contains("aa:bb:cc:00:00:99");
        assertThat(store.get(PREFIX + "/subnets/" + first.key()).orElseThrow().lease()).isEqualTo(first.storeLease());
    }

    @Test
    void renewsWellBeforeExpiry() {
        LeaseManager m = manager(config("10.5.1.0", "10.5.254.0"), FIRST);
        SubnetLease l = m.acquire(node(1));
        for (int i = 0; i < 6; i++) { // five hours, five TTLs: alive only because it was renewed
            clock.advance(Duration.ofMinutes(30));
            assertThat(m.maintain(node(1)).subnet()).isEqualTo(l.subnet());
        }
        assertThat(store.get(PREFIX + "/subnets/" + l.key())).isPresent();
        assertThat(store.get(PREFIX + "/subnets/" + l.key()).orElseThrow().modRevision())
                .as("renewing is a keep-alive, not a write").isEqualTo(l.modRevision());
    }

    @Test
    void anExpiredLeaseThatAnotherNodeTookIsNeverTakenBack() {
        FlannelConfig two = config("10.5.1.0", "10.5.2.0");
        LeaseManager a = manager(two, FIRST);
        assertThat(a.acquire(node(1)).subnet()).isEqualTo(Ipv4Net.parse("10.5.1.0/24"));

        clock.advance(TTL.plusMinutes(1)); // node 1 was cut off past its TTL
        SubnetLease b = manager(two, FIRST).acquire(node(2));
        assertThat(b.subnet()).as("node 2 takes the freed subnet").isEqualTo(Ipv4Net.parse("10.5.1.0/24"));

        SubnetLease a2 = a.maintain(node(1));
        assertThat(a2.subnet()).isEqualTo(Ipv4Net.parse("10.5.2.0/24"));
        KeyValue bKey = store.get(PREFIX + "/subnets/10.5.1.0-24").orElseThrow();
        assertThat(bKey.valueText()).contains("\"PublicIP\":\"192.168.77.2\"");
        assertThat(bKey.modRevision()).as("node 2's lease was not written to").isEqualTo(b.modRevision());
        assertThat(bKey.lease()).isEqualTo(b.storeLease());
    }

    @Test
    void whenTheOnlySubnetWasTakenTheNodeGetsNoneRatherThanAShared() {
        FlannelConfig one = config("10.5.1.0", "10.5.1.0");
        LeaseManager a = manager(one, FIRST);
        a.acquire(node(1));
        clock.advance(TTL.plusMinutes(1));
        SubnetLease b = manager(one, FIRST).acquire(node(2));

        assertThatThrownBy(() -> a.maintain(node(1))).isInstanceOf(OverlayException.class)
                .hasMessageContaining("out of subnets");
        assertThat(value(b.subnet())).contains("192.168.77.2");
    }

    @Test
    void anExpiredLeaseStillFreeIsTakenBackSoPodsKeepTheirAddresses() {
        LeaseManager a = manager(config("10.5.1.0", "10.5.254.0"), LAST);
        SubnetLease l = a.acquire(node(1));
        clock.advance(TTL.plusMinutes(1));
        SubnetLease again = a.maintain(node(1));
        assertThat(again.subnet()).isEqualTo(l.subnet());
        assertThat(again.storeLease()).isNotEqualTo(l.storeLease());
    }

    @Test
    void aDeletedLeaseIsAcquiredAgain() {
        LeaseManager a = manager(config("10.5.1.0", "10.5.254.0"), new Random(3));
        SubnetLease l = a.acquire(node(1));
        KeyValue kv = store.get(PREFIX + "/subnets/" + l.key()).orElseThrow();
        store.deleteIfRevision(kv.key(), kv.modRevision());
        assertThat(a.maintain(node(1)).subnet()).isEqualTo(l.subnet());
        assertThat(store.get(kv.key())).isPresent();
    }

    @Test
    void otherNodesLeasesAndReservationsAreNeverPicked() {
        // a flannel node's lease and a reservation (no store lease), written as flannel writes them
        store.put(PREFIX + "/subnets/10.5.1.0-24", ("{\"PublicIP\":\"10.0.0.1\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\","
                + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:01\"}}").getBytes(StandardCharsets.UTF_8), 0);
        store.put(PREFIX + "/subnets/10.5.2.0-24", "{\"PublicIP\":\"10.0.0.2\"}".getBytes(StandardCharsets.UTF_8), 0);
        store.put(PREFIX + "/subnets/10.5.3.0-24", "garbage".getBytes(StandardCharsets.UTF_8), 0);

        SubnetLease l = manager(config("10.5.1.0", "10.5.4.0"), FIRST).acquire(node(5));
        assertThat(l.subnet()).isEqualTo(Ipv4Net.parse("10.5.4.0/24"));
        assertThat(value(Ipv4Net.parse("10.5.1.0/24"))).contains("10.0.0.1");
    }

    @Test
    void ourLeaseOutsideANarrowedRangeIsDroppedForOneInside() {
        SubnetLease old = manager(config("10.5.200.0", "10.5.200.0"), FIRST).acquire(node(1));
        SubnetLease now = manager(config("10.5.1.0", "10.5.9.0"), FIRST).acquire(node(1));
        assertThat(now.subnet()).isEqualTo(Ipv4Net.parse("10.5.1.0/24"));
        assertThat(value(old.subnet())).isNull();
    }

    @Test
    void managersRacingForTheSameSubnetNeverShareOne() throws Exception {
        FlannelConfig config = config("10.5.1.0", "10.5.254.0");
        for (int round = 0; round < 3; round++) {
            int nodes = 8;
            int base = round * nodes;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<SubnetLease>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(nodes)) {
                for (int n = 1; n <= nodes; n++) {
                    LeaseAttrs attrs = node(base + n);
                    results.add(pool.submit(() -> {
                        go.await();
                        return manager(config, FIRST).acquire(attrs); // all aim at the same first free subnet
                    }));
                }
                go.countDown();
                Set<Ipv4Net> subnets = new HashSet<>();
                for (Future<SubnetLease> f : results) {
                    subnets.add(f.get().subnet());
                }
                assertThat(subnets).hasSize(nodes);
            }
        }
        List<KeyValue> kvs = store.range(PREFIX + "/subnets/").kvs();
        assertThat(kvs).hasSize(24);
        assertThat(kvs.stream().map(kv -> LeaseAttrs.parse(kv.value(), kv.key()).publicIp()).distinct()).hasSize(24);
    }
}
