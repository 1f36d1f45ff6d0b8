package dev.podnet.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.store.etcd.EtcdExtension;
import dev.podnet.store.etcd.EtcdStore;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** podnet's leases and flannel's, side by side in a real etcd, written and read with etcdctl as flannel's users do. */
class EtcdFlannelCompatTest {
    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();
    private static final String FLANNEL_LEASE =
            "{\"PublicIP\":\"192.168.1.9\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:09\"}}";

    /** A prefix per test, so the tests share one etcd without seeing each other's keys. */
    private final String prefix = "/test-" + UUID.randomUUID() + "/coreos.com/network";

    @Test
    void aLeaseWrittenWithEtcdctlIsHonouredAndOursReadsBackAsFlannelsJson() throws Exception {
        Etcdctl etcdctl = new Etcdctl(etcd.endpoint());
        etcdctl.run("put", prefix + "/config", "{\"Network\":\"10.5.0.0/16\",\"SubnetLen\":24,\"SubnetMin\":\"10.5.9.0\","
                + "\"SubnetMax\":\"10.5.10.0\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1,\"Port\":8472}}");
        etcdctl.run("put", prefix + "/subnets/10.5.9.0-24", FLANNEL_LEASE);

        try (EtcdStore store = EtcdStore.builder().endpoints(etcd.endpoint()).open()) {
            FlannelConfig config = FlannelConfig.parse(store.get(prefix + "/config").orElseThrow().valueText(), "config");
            LeaseManager m = new LeaseManager(store, prefix, config, LeaseManager.DEFAULT_TTL, InstantSource.system(),
                    new Random());
            SubnetLease ours = m.acquire(LeaseAttrs.vxlan("192.168.1.10", 1, "aa:bb:cc:dd:ee:10"));
            assertThat(ours.subnet()).as("10.5.9.0/24 is flannel's").isEqualTo(Ipv4Net.parse("10.5.10.0/24"));
            assertThat(etcdctl.run("get", prefix + "/subnets/10.5.9.0-24", "--print-value-only").strip())
                    .isEqualTo(FLANNEL_LEASE);

            // read back with etcdctl: flannel's value, attached to a 24 h lease
            String value = etcdctl.run("get", prefix + "/subnets/10.5.10.0-24", "--print-value-only").strip();
            assertThat(value).isEqualTo("{\"PublicIP\":\"192.168.1.10\",\"BackendType\":\"vxlan\","
                    + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:10\"}}");
            LeaseAttrs parsed = LeaseAttrs.parse(value.getBytes(StandardCharsets.UTF_8), "etcdctl");
            assertThat(parsed.vxlan()).contains(new LeaseAttrs.VxlanData(1, "aa:bb:cc:dd:ee:10"));
            JsonNode json = new ObjectMapper().readTree(etcdctl.run("get", prefix + "/subnets/10.5.10.0-24", "-w", "json"));
            JsonNode kv = json.path("kvs").get(0);
            assertThat(new String(Base64.getDecoder().decode(kv.path("key").asText()), StandardCharsets.UTF_8))
                    .isEqualTo(prefix + "/subnets/10.5.10.0-24");
            long lease = kv.path("lease").asLong();
            assertThat(lease).isEqualTo(ours.storeLease()).isNotZero();
            assertThat(etcdctl.run("lease", "timetolive", Long.toHexString(lease))).contains("granted with TTL(86400s)");

            // a restart keeps the subnet, with no second key
            SubnetLease again = new LeaseManager(store, prefix, config, LeaseManager.DEFAULT_TTL, InstantSource.system(),
                    new Random()).acquire(LeaseAttrs.vxlan("192.168.1.10", 1, "aa:bb:cc:dd:ee:10"));
            assertThat(again.subnet()).isEqualTo(ours.subnet());
            assertThat(etcdctl.run("get", "--prefix", prefix + "/subnets/", "--keys-only").lines()
                    .filter(l -> !l.isBlank())).containsExactly(prefix + "/subnets/10.5.10.0-24", prefix + "/subnets/10.5.9.0-24");
        }
    }
}
