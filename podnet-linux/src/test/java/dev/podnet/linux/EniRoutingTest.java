package dev.podnet.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The table numbers, gateways and commands of a secondary ENI's setup, without a kernel. */
class EniRoutingTest {
    private static final EniRouting.Spec ENI = new EniRouting.Spec("02:0A:00:00:00:11", 2, "10.0.64.0/19");

    @Test
    void tablesFollowAwsVpcCnisDeviceIndexPlusOne() {
        assertThat(EniRouting.tableOf(1)).isEqualTo(2);
        assertThat(EniRouting.tableOf(7)).isEqualTo(8);
        assertThatThrownBy(() -> EniRouting.tableOf(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("main table");
    }

    @Test
    void theGatewayIsTheSubnetsFirstAddressPlusOne() {
        assertThat(EniRouting.gatewayOf("10.0.64.0/19")).isEqualTo("10.0.64.1");
        assertThat(EniRouting.gatewayOf("100.64.128.0/18")).isEqualTo("100.64.128.1");
        assertThat(ENI.gateway()).isEqualTo("10.0.64.1");
        assertThatThrownBy(() -> EniRouting.gatewayOf("10.0.0.0/30")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void specRefusesWhatIsNoMacOrATableOfTheKernels() {
        assertThat(ENI.mac()).isEqualTo("02:0a:00:00:00:11");
        assertThatThrownBy(() -> new EniRouting.Spec("nope", 2, "10.0.64.0/19")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EniRouting.Spec("02:0a:00:00:00:11", 254, "10.0.64.0/19"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void setupIsOneBatchInTheNodeNamespaceConnectedRouteBeforeTheDefault() {
        EniRouting routing = new EniRouting(new RecordingExec(), NetNamespace.named("node-a"));
        IpBatch b = routing.batch(ENI, "eth1", List.of());
        assertThat(b.argv()).containsExactly("ip", "-n", "node-a", "-batch", "-");
        assertThat(b.lines()).containsExactly(
                "link set dev eth1 mtu 9001 up",
                "route replace 10.0.64.0/19 dev eth1 scope link table 2",
                "route replace default via 10.0.64.1 dev eth1 table 2");
    }

    @Test
    void routesOfAnEarlierEniInTheSameTableGoFirstOursStay() {
        EniRouting routing = new EniRouting(new RecordingExec(), NetNamespace.current());
        List<Route> present = List.of(new Route("default", "10.0.96.1", "eth1", List.of()),
                new Route("10.0.96.0/19", "", "eth1", List.of()),
                new Route("10.0.64.0/19", "", "eth1", List.of()));
        assertThat(routing.batch(ENI, "eth1", present).lines()).startsWith(
                "route del default table 2", "route del 10.0.96.0/19 table 2", "link set dev eth1 mtu 9001 up");
        assertThat(routing.removal(2, present).lines()).containsExactly("route del default table 2",
                "route del 10.0.96.0/19 table 2", "route del 10.0.64.0/19 table 2");
        assertThat(routing.removal(2, List.of()).isEmpty()).isTrue();
    }

    @Test
    void anEniWithoutALinkYetIsLeftForTheNextPass() {
        RecordingExec exec = new RecordingExec().answer(0, "[{\"ifname\":\"eth0\",\"address\":\"02:0a:00:00:00:01\"}]", "");
        assertThat(new EniRouting(exec, NetNamespace.current()).configure(ENI)).isEmpty();
        assertThat(exec.calls).hasSize(1);
    }
}
