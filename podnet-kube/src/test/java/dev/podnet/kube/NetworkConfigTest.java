package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.net.InvalidInputException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A NetworkConfig read from its object: the checks and the conflist. */
class NetworkConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static NetworkConfig parse(String spec) throws Exception {
        return NetworkConfig.from(JSON.readTree("""
                {"apiVersion":"podnet.dev/v1","kind":"NetworkConfig",
                 "metadata":{"namespace":"ns","name":"net","uid":"u-1"},"spec":%s}""".formatted(spec)));
    }

    private static void refused(String spec, String... message) {
        assertThatThrownBy(() -> parse(spec)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("NetworkConfig ns/net: ").hasMessageContainingAll(message);
    }

    @Test
    void aSpiderMultusConfigSpecReadsAsIs() throws Exception {
        assertThat(parse("""
                {"cniType":"macvlan","enableCoordinator":true,
                 "macvlan":{"master":["eth0"],"vlanID":100,"ippools":{"ipv4":["pool-a"]}}}"""))
                .isEqualTo(new NetworkConfig("ns", "net", "u-1", NetworkConfig.CniType.MACVLAN, "eth0.100", 100, 0,
                        Optional.of("pool-a")));
    }

    @Test
    void theConflistOmitsWhatIsUnset() throws Exception {
        JsonNode conflist = JSON.readTree(parse("{\"cniType\":\"ipvlan\",\"ipvlan\":{\"master\":[\"ens6\"]}}")
                .conflist());
        assertThat(conflist.toString()).isEqualTo("{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{"
                + "\"type\":\"ipvlan\",\"master\":\"ens6\",\"ipam\":{\"type\":\"podnet-ipam\","
                + "\"agentSocket\":\"/run/podnet/agent.sock\"}}]}");
    }

    @Test
    void badValuesAreRefusedNamingTheFieldAndValue() {
        refused("{}", "spec.cniType is missing", "macvlan or ipvlan");
        refused("{\"cniType\":\"ovs\"}", "spec.cniType \"ovs\"");
        refused("{\"cniType\":\"ipvlan\",\"macvlan\":{\"master\":[\"eth0\"]}}", "spec.ipvlan is missing");
        refused("{\"cniType\":\"macvlan\",\"macvlan\":{}}", "spec.macvlan.master must list", "got nothing");
        refused("{\"cniType\":\"macvlan\",\"macvlan\":{\"master\":[]}}", "spec.macvlan.master must list", "got []");
        refused("{\"cniType\":\"macvlan\",\"macvlan\":{\"master\":[\"eth0\"],\"vlanID\":4095}}",
                "spec.macvlan.vlanID 4095 is not an integer in 0..4094");
        refused("{\"cniType\":\"macvlan\",\"macvlan\":{\"master\":[\"eth0\"],\"vlanID\":\"7\"}}",
                "spec.macvlan.vlanID \"7\"");
        refused("{\"cniType\":\"macvlan\",\"macvlan\":{\"master\":[\"eth0\"],\"mtu\":67}}",
                "spec.macvlan.mtu 67 is not an integer in 68..65535");
        refused("{\"cniType\":\"macvlan\",\"macvlan\":{\"master\":[\"eth0\"],\"mtu\":65536}}", "mtu 65536");
        refused("{\"cniType\":\"macvlan\",\"macvlan\":{\"master\":[\"enp0s31f6abc\"],\"vlanID\":1000}}",
                "names the link \"enp0s31f6abc.1000\"", "at most 15 characters");
        refused("{\"cniType\":\"macvlan\",\"macvlan\":{\"master\":[\"eth0\"],"
                + "\"ippools\":{\"ipv4\":[\"a\"],\"ipv6\":[\"b\"]}}}", "ippools names 2 pools [a, b]", "one agent pool");
    }
}
