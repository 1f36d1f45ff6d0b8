package dev.podnet.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.api.ResultCodec;
import dev.podnet.linux.Exec;
import dev.podnet.linux.IpvlanLink;
import dev.podnet.linux.NetNamespace;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The pure parts of the ipvlan main plugin: configuration, the choice of master, the result. */
class IpvlanPartsTest {
    private static final CniResult IPAM = CniResult.ofIps("1.1.0", List.of(
            CniResult.IpConfig.of("10.0.64.9/19", "10.0.64.1"), CniResult.IpConfig.of("fd00::9/120", "fd00::1")),
            List.of());

    @Test
    void modeIpvlanTakesAMasterWhichOtherModesRefuse() {
        MainPlugin.of(RoutedPartsTest.decode("""
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","mode":"ipvlan","master":"ens6",
                 "ipam":{"type":"podnet-ipam"}}"""), null, null, NetNamespace.current());
        RoutedPartsTest.assertRefused("""
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","master":"ens6","ipam":{"type":"podnet-ipam"}}""",
                7, "master is a key of mode \"ipvlan\", not of mode \"routed\"");
        RoutedPartsTest.assertRefused("""
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","mode":"ipvlan","master":"a very long name",
                 "ipam":{"type":"podnet-ipam"}}""", 7, "master: \"a very long name\" is not an interface name");
    }

    @Test
    void theMasterIsTheLinkOfTheAllocationsTableOrOfTheMainDefaultRouteOrTheConfigurations() {
        IpvlanLink node = new IpvlanLink(ipRoutes(), NetNamespace.current());
        IpvlanMode chosen = new IpvlanMode(node, OptionalInt.empty(), Optional.empty());
        assertThat(chosen.master(new Backend.Held(IPAM, 3))).isEqualTo("ens6");
        assertThat(chosen.master(new Backend.Held(IPAM, null))).isEqualTo("ens5");
        assertThatThrownBy(() -> chosen.master(new Backend.Held(IPAM, 4))).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.details()).contains("route table 4", "no default route", "set \"master\""));
        IpvlanMode configured = new IpvlanMode(node, OptionalInt.empty(), Optional.of("eth1"));
        assertThat(configured.master(new Backend.Held(IPAM, 3))).isEqualTo("eth1");
    }

    /** A node whose ENI at device index 2 has table 3 as the agent sets it up; table 4's ENI has no link yet. */
    private static Exec ipRoutes() {
        return (argv, stdin) -> {
            String command = String.join(" ", argv);
            if (command.endsWith("route show table all")) {
                return new Exec.Result(0, """
                        [{"dst":"default","gateway":"10.0.0.1","dev":"ens5"},
                         {"dst":"default","gateway":"10.0.64.1","dev":"ens6","table":"3"},
                         {"dst":"10.0.64.0/19","dev":"ens6","table":"3"},
                         {"dst":"10.0.96.0/19","dev":"ens7","table":"4"}]""", "");
            }
            if (command.endsWith("route show default")) {
                return new Exec.Result(0, "[{\"dst\":\"default\",\"gateway\":\"10.0.0.1\",\"dev\":\"ens5\"}]", "");
            }
            throw new AssertionError("unexpected " + command);
        };
    }

    @Test
    void theResultHasThePodsInterfaceWithIpamsAddressesAndADefaultRouteViaEachGateway() {
        CniResult r = IpvlanResult.of("1.1.0", "eth0", "0a:1b:2c:3d:4e:5f", "/var/run/netns/p1", null, IPAM,
                CniResult.Dns.EMPTY);
        assertThat(r.interfaces()).containsExactly(CniResult.Interface.of("eth0", "0a:1b:2c:3d:4e:5f", "/var/run/netns/p1"));
        assertThat(r.ips()).containsExactly(new CniResult.IpConfig("10.0.64.9/19", "10.0.64.1", 0),
                new CniResult.IpConfig("fd00::9/120", "fd00::1", 0));
        assertThat(r.routes()).containsExactly(CniResult.Route.of("0.0.0.0/0", "10.0.64.1"),
                CniResult.Route.of("::/0", "fd00::1"));
        assertThat(new String(ResultCodec.encode(r, "0.4.0"), StandardCharsets.UTF_8))
                .contains("\"interface\":0", "\"sandbox\":\"/var/run/netns/p1\"");
    }

    @Test
    void ipamsOwnRoutesComeFirstAndTakeTheGatewayWhenTheyNameNone() {
        CniResult ipam = CniResult.ofIps("1.1.0", List.of(CniResult.IpConfig.of("10.0.64.9/19", "10.0.64.1")),
                List.of(CniResult.Route.of("10.96.0.0/12", null), CniResult.Route.of("0.0.0.0/0", "10.0.64.254")));
        assertThat(IpvlanResult.routes(ipam)).containsExactly(CniResult.Route.of("10.96.0.0/12", "10.0.64.1"),
                CniResult.Route.of("0.0.0.0/0", "10.0.64.254"));
        CniResult noGateway = CniResult.ofIps("1.1.0", List.of(CniResult.IpConfig.of("10.0.64.9/19", null)), List.of());
        assertThat(IpvlanResult.routes(noGateway)).isEmpty();
    }
}
