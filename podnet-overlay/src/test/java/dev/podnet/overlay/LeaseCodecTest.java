package dev.podnet.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.InvalidInputException;
import dev.podnet.store.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lease keys and values against the exact text flannel writes and reads. */
class LeaseCodecTest {
    /** What flannel's vxlan backend stores (the key's value in etcd), member for member and in its order. */
    private static final String FLANNEL_VALUE =
            "{\"PublicIP\":\"192.168.1.5\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:ff\"}}";
    /** flannel since dual-stack support writes a null PublicIPv6 for an IPv4-only node. */
    private static final String FLANNEL_DUAL_STACK_ERA_VALUE = "{\"PublicIP\":\"192.168.1.5\",\"PublicIPv6\":null,"
            + "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:ff\"}}";

    @Test
    void writesFlannelsExactValue() {
        LeaseAttrs attrs = LeaseAttrs.vxlan("192.168.1.5", 1, "AA:BB:CC:DD:EE:FF");
        assertThat(new String(attrs.toJson(), StandardCharsets.UTF_8)).isEqualTo(FLANNEL_VALUE);
    }

    @Test
    void readsFlannelsValuesBackToTheSameBytes() {
        for (String value : new String[] {FLANNEL_VALUE, FLANNEL_DUAL_STACK_ERA_VALUE}) {
            LeaseAttrs attrs = LeaseAttrs.parse(value.getBytes(StandardCharsets.UTF_8), "k");
            assertThat(attrs.publicIp()).isEqualTo("192.168.1.5");
            assertThat(attrs.publicIpv6()).isEmpty();
            assertThat(attrs.backendType()).isEqualTo("vxlan");
            assertThat(attrs.vxlan()).contains(new LeaseAttrs.VxlanData(1, "aa:bb:cc:dd:ee:ff"));
            assertThat(new String(attrs.toJson(), StandardCharsets.UTF_8)).isEqualTo(FLANNEL_VALUE);
            assertThat(attrs.sameValue(LeaseAttrs.vxlan("192.168.1.5", 1, "aa:bb:cc:dd:ee:ff"))).isTrue();
        }
    }

    @Test
    void keepsOtherBackendsDataAndDualStackFieldsAsTheyAre() {
        String hostGw = "{\"PublicIP\":\"10.0.0.7\",\"PublicIPv6\":\"fd00::7\",\"BackendType\":\"host-gw\","
                + "\"BackendData\":null,\"BackendV6Data\":{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:01\"}}";
        LeaseAttrs attrs = LeaseAttrs.parse(hostGw.getBytes(StandardCharsets.UTF_8), "k");
        assertThat(attrs.publicIpv6()).contains("fd00::7");
        assertThat(attrs.vxlan()).as("not a vxlan lease").isEmpty();
        assertThat(new String(attrs.toJson(), StandardCharsets.UTF_8)).isEqualTo("{\"PublicIP\":\"10.0.0.7\","
                + "\"PublicIPv6\":\"fd00::7\",\"BackendType\":\"host-gw\",\"BackendV6Data\":{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:01\"}}");
    }

    @Test
    void refusesValuesFlannelCouldNotHaveWritten() {
        assertThatThrownBy(() -> LeaseAttrs.parse("{\"BackendType\":\"vxlan\"}".getBytes(StandardCharsets.UTF_8), "/k"))
                .isInstanceOf(InvalidInputException.class).hasMessage("/k: PublicIP: missing");
        assertThatThrownBy(() -> LeaseAttrs.parse("{\"PublicIP\":\"300.1.1.1\"}".getBytes(StandardCharsets.UTF_8), "/k"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("/k: PublicIP: \"300.1.1.1\" is not an IPv4 address");
        assertThatThrownBy(() -> LeaseAttrs.parse("not json".getBytes(StandardCharsets.UTF_8), "/k"))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("/k: not JSON");
        LeaseAttrs badMac = LeaseAttrs.parse(("{\"PublicIP\":\"1.2.3.4\",\"BackendType\":\"vxlan\","
                + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"nope\"}}").getBytes(StandardCharsets.UTF_8), "/k");
        assertThat(badMac.vxlan()).as("unusable vxlan data is not routed").isEmpty();
    }

    @Test
    void subnetKeysRoundTrip() {
        SubnetKey k = SubnetKey.parse("10.5.52.0-24");
        assertThat(k.subnet()).isEqualTo(Ipv4Net.parse("10.5.52.0/24"));
        assertThat(k.ipv6()).isEmpty();
        assertThat(k.toString()).isEqualTo("10.5.52.0-24");
        SubnetKey dual = SubnetKey.parse("10.5.52.0-24&fc00:0:0:34::-64");
        assertThat(dual.ipv6()).contains("fc00:0:0:34::-64");
        assertThat(dual.toString()).isEqualTo("10.5.52.0-24&fc00:0:0:34::-64");
        for (String bad : new String[] {"10.5.52.0", "10.5.52.0/24", "10.5.52.1-24", "x-24", "10.5.52.0-33"}) {
            assertThatThrownBy(() -> SubnetKey.parse(bad)).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void aStoreKeyValueBecomesALease() {
        KeyValue kv = new KeyValue("/coreos.com/network/subnets/10.5.9.0-24", FLANNEL_VALUE.getBytes(StandardCharsets.UTF_8),
                5, 7, 1, 42);
        SubnetLease l = SubnetLease.from("/coreos.com/network/", kv);
        assertThat(l.subnet()).isEqualTo(Ipv4Net.parse("10.5.9.0/24"));
        assertThat(l.storeLease()).isEqualTo(42);
        assertThat(l.modRevision()).isEqualTo(7);
        assertThat(l.attrs().publicIp()).isEqualTo("192.168.1.5");
        assertThat(SubnetLease.path("/coreos.com/network", l.key())).isEqualTo(kv.key());
        assertThat(SubnetLease.configKey("/coreos.com/network/")).isEqualTo("/coreos.com/network/config");
        assertThatThrownBy(() -> SubnetLease.subnetsPrefix("coreos.com/network")).isInstanceOf(InvalidInputException.class);
        assertThat(new SubnetLease(SubnetKey.of(Ipv4Net.parse("10.5.1.0/24")), l.attrs(), 0, 0).key().ipv6())
                .isEqualTo(Optional.empty());
    }
}
