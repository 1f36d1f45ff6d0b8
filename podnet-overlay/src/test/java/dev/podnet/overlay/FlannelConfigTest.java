package dev.podnet.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlannelConfigTest {
    private static final String SOURCE = "/coreos.com/network/config";

    private static FlannelConfig parse(String json) {
        return FlannelConfig.parse(json, SOURCE);
    }

    @Test
    void readsFlannelsDocumentedExample() {
        FlannelConfig c = parse("""
                {"Network":"10.5.0.0/16","SubnetLen":24,"SubnetMin":"10.5.1.0","SubnetMax":"10.5.254.0",
                 "Backend":{"Type":"vxlan","VNI":1,"Port":8472}}""");
        assertThat(c.network()).isEqualTo(Ipv4Net.parse("10.5.0.0/16"));
        assertThat(c.subnetLen()).isEqualTo(24);
        assertThat(Ipv4Net.format(c.subnetMin())).isEqualTo("10.5.1.0");
        assertThat(Ipv4Net.format(c.subnetMax())).isEqualTo("10.5.254.0");
        assertThat(c.subnetCount()).isEqualTo(254);
        assertThat(c.backend()).isEqualTo(new FlannelConfig.Backend("vxlan", 1, 8472, false, false, false));
        assertThat(c.ipv6()).isEmpty();
    }

    @Test
    void completesDefaultsAsFlannelDoes() {
        FlannelConfig c = parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        assertThat(c.subnetLen()).isEqualTo(24);
        // the first subnet is skipped: its .0 would be the network's own address
        assertThat(Ipv4Net.format(c.subnetMin())).isEqualTo("10.244.1.0");
        assertThat(Ipv4Net.format(c.subnetMax())).isEqualTo("10.244.255.0");
        assertThat(c.backend().vni()).isEqualTo(1);
        assertThat(c.backend().port()).as("Port 0/absent is the kernel's 8472").isEqualTo(8472);

        FlannelConfig small = parse("{\"Network\":\"10.5.0.0/26\",\"Backend\":{\"Type\":\"vxlan\"}}");
        assertThat(small.subnetLen()).as("networks smaller than /22 are split into four").isEqualTo(28);
        assertThat(small.subnetCount()).isEqualTo(3);
    }

    @Test
    void memberNamesMatchInAnyCaseLikeGosDecoder() {
        FlannelConfig c = parse("{\"network\":\"10.5.0.0/16\",\"subnetlen\":26,\"backend\":{\"type\":\"vxlan\",\"vni\":42}}");
        assertThat(c.subnetLen()).isEqualTo(26);
        assertThat(c.backend().vni()).isEqualTo(42);
    }

    @Test
    void parsesTheIpv6Fields() {
        FlannelConfig c = parse("""
                {"EnableIPv6":true,"Network":"10.5.0.0/16","IPv6Network":"fc00::/48","IPv6SubnetLen":64,
                 "Backend":{"Type":"vxlan"}}""");
        assertThat(c.ipv6()).hasValueSatisfying(v6 -> {
            assertThat(v6.network().toString()).isEqualTo("fc00::/48");
            assertThat(v6.subnetLen()).isEqualTo(64);
        });
        assertThat(parse("{\"EnableIPv6\":true,\"Network\":\"10.5.0.0/16\",\"IPv6Network\":\"fc00::/120\","
                + "\"Backend\":{\"Type\":\"vxlan\"}}").ipv6().orElseThrow().subnetLen()).isEqualTo(122);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}|/coreos.com/network/config: Network: missing",
            "[]|/coreos.com/network/config: expected a JSON object",
            "{\"Network\":\"10.5.0.0/16\",|/coreos.com/network/config: not JSON",
            "{\"Network\":\"10.5.0.1/16\",\"Backend\":{\"Type\":\"vxlan\"}}|Network: 10.5.0.1/16 has host bits set; did you mean 10.5.0.0/16?",
            "{\"Network\":\"10.5.0.0\",\"Backend\":{\"Type\":\"vxlan\"}}|Network: \"10.5.0.0\" is not an IPv4 CIDR",
            "{\"Network\":16,\"Backend\":{\"Type\":\"vxlan\"}}|Network: expected a string, got 16",
            "{\"Network\":\"10.5.0.0/16\",\"SubnetLen\":31,\"Backend\":{\"Type\":\"vxlan\"}}|SubnetLen: must be at most 30",
            "{\"Network\":\"10.5.0.0/16\",\"SubnetLen\":17,\"Backend\":{\"Type\":\"vxlan\"}}|SubnetLen: /17 leaves fewer than four subnets in 10.5.0.0/16",
            "{\"Network\":\"10.5.0.0/16\",\"SubnetLen\":\"24\",\"Backend\":{\"Type\":\"vxlan\"}}|SubnetLen: expected a whole number, got \"24\"",
            "{\"Network\":\"10.5.0.0/29\",\"Backend\":{\"Type\":\"vxlan\"}}|Network: 10.5.0.0/29 is too small",
            "{\"Network\":\"10.5.0.0/16\",\"SubnetMin\":\"10.6.1.0\",\"Backend\":{\"Type\":\"vxlan\"}}|SubnetMin: 10.6.1.0 is not in the Network 10.5.0.0/16",
            "{\"Network\":\"10.5.0.0/16\",\"SubnetMax\":\"10.5.3.7\",\"Backend\":{\"Type\":\"vxlan\"}}|SubnetMax: 10.5.3.7 is not on a /24 (SubnetLen) boundary",
            "{\"Network\":\"10.5.0.0/16\",\"SubnetMin\":\"10.5.9.0\",\"SubnetMax\":\"10.5.3.0\",\"Backend\":{\"Type\":\"vxlan\"}}|SubnetMin: 10.5.9.0 is above SubnetMax 10.5.3.0",
            "{\"Network\":\"10.5.0.0/16\"}|Backend: missing, which flannel reads as the udp backend",
            "{\"Network\":\"10.5.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}|Backend.Type: podnet overlay runs the \"vxlan\" backend only, got \"host-gw\"",
            "{\"Network\":\"10.5.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":70000}}|Backend.VNI: must be between 0 and 65535, got 70000",
            "{\"Network\":\"10.5.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"Port\":-1}}|Backend.Port: must be between 0 and 65535, got -1",
            "{\"Network\":\"10.5.0.0/16\",\"Backend\":\"vxlan\"}|Backend: expected an object",
            "{\"EnableIPv4\":false,\"EnableIPv6\":true,\"IPv6Network\":\"fc00::/48\",\"Backend\":{\"Type\":\"vxlan\"}}|EnableIPv4: podnet overlay leases IPv4 subnets",
            "{\"EnableIPv6\":true,\"Network\":\"10.5.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}|IPv6Network: missing while EnableIPv6 is true",
            "{\"EnableIPv6\":true,\"Network\":\"10.5.0.0/16\",\"IPv6Network\":\"10.6.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}|IPv6Network: 10.6.0.0/16 is an IPv4 network",
            "{\"EnableIPv6\":true,\"Network\":\"10.5.0.0/16\",\"IPv6Network\":\"fc00::/48\",\"IPv6SubnetLen\":127,\"Backend\":{\"Type\":\"vxlan\"}}|IPv6SubnetLen: must be at most 126",
    })
    void refusesBadConfigurationsNamingTheField(String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(SOURCE + ": ").hasMessageContaining(message);
    }

    @Test
    void aSubnetIsLeasableOnlyInsideTheRangeWithTheConfiguredLength() {
        FlannelConfig c = parse("{\"Network\":\"10.5.0.0/16\",\"SubnetMin\":\"10.5.10.0\",\"SubnetMax\":\"10.5.20.0\","
                + "\"Backend\":{\"Type\":\"vxlan\"}}");
        assertThat(c.leasable(Ipv4Net.parse("10.5.10.0/24"))).isTrue();
        assertThat(c.leasable(Ipv4Net.parse("10.5.20.0/24"))).isTrue();
        assertThat(c.leasable(Ipv4Net.parse("10.5.21.0/24"))).isFalse();
        assertThat(c.leasable(Ipv4Net.parse("10.5.12.0/25"))).isFalse();
    }
}
