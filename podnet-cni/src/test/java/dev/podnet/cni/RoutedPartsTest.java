package dev.podnet.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.api.CniCommand;
import dev.podnet.api.CniEnv;
import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;
import dev.podnet.api.NetConfDecoder;
import dev.podnet.api.ResultCodec;
import dev.podnet.linux.Exec;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.RoutedVeth;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of the routed main plugin that need no kernel: names, configuration, result, the order of ADD. */
class RoutedPartsTest {
    @Test
    void namesComeFromTheAttachmentKeyInAwsVpcCnisForm() {
        RoutedNames n = RoutedNames.of("c0ffee", "eth0");
        assertThat(n.hostVeth()).matches("eni[0-9a-f]{11}").isEqualTo(RoutedNames.of("c0ffee", "eth0").hostVeth());
        assertThat(n.hostVeth()).isNotEqualTo(RoutedNames.of("c0ffee", "net1").hostVeth());
        assertThat(n.hostMac()).matches("02(:[0-9a-f]{2}){5}");
        assertThat(n.alias()).isEqualTo("podnet:c0ffee/eth0");
    }

    @Test
    void theConfigurationSaysModeAndMtuAndUnknownModesAreRefusedByName() {
        NetConf conf = decode("""
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","mode":"routed","mtu":9001,
                 "ipam":{"type":"podnet-ipam","agentSocket":"/run/podnet/agent.sock","pool":"vpc"}}""");
        assertThat(conf.mode()).isEqualTo("routed");
        assertThat(conf.mtu()).isEqualTo(9001);
        assertThat(conf.ipam().agentSocket()).isEqualTo("/run/podnet/agent.sock");
        MainPlugin.of(conf, null, null, NetNamespace.current());
        assertRefused("""
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","mode":"macvlan","ipam":{"type":"podnet-ipam"}}""",
                2, "mode=\"macvlan\"; podnet supports \"routed\" and \"ipvlan\"");
        assertRefused("""
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","mtu":500,"ipam":{"type":"podnet-ipam"}}""",
                7, "mtu must be 1280..65535");
    }

    static void assertRefused(String json, int code, String details) {
        assertThatThrownBy(() -> MainPlugin.of(decode(json), null, null, NetNamespace.current()))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.details()).contains(details);
                });
    }

    @Test
    void theResultNamesBothEndsAndPutsTheAddressesOnThePodsInterface() {
        RoutedNames n = RoutedNames.of("c1", "eth0");
        CniResult r = RoutedResult.of("1.1.0", n, "eth0", "/var/run/netns/p1", 9001,
                new RoutedVeth.Attached(n.hostMac(), "0a:58:0a:01:00:05"), List.of("10.1.0.5", "fd00::5"),
                CniResult.Dns.EMPTY);
        assertThat(r.interfaces()).extracting(CniResult.Interface::name).containsExactly(n.hostVeth(), "eth0");
        assertThat(r.interfaces().get(1).sandbox()).isEqualTo("/var/run/netns/p1");
        assertThat(r.ips()).containsExactly(new CniResult.IpConfig("10.1.0.5/32", "169.254.1.1", 1),
                new CniResult.IpConfig("fd00::5/128", "fe80::1", 1));
        assertThat(r.routes()).containsExactly(CniResult.Route.of("0.0.0.0/0", "169.254.1.1"),
                CniResult.Route.of("::/0", "fe80::1"));
        String old = new String(ResultCodec.encode(r, "0.4.0"), StandardCharsets.UTF_8);
        assertThat(old).contains("\"cniVersion\":\"0.4.0\"", "\"version\":\"4\"", "\"interface\":1")
                .doesNotContain("\"mtu\"");
        assertThat(RoutedResult.hosts(CniResult.ofIps("1.1.0", List.of(CniResult.IpConfig.of("10.1.0.5/24", null)),
                List.of()))).containsExactly("10.1.0.5");
    }

    @Test
    void anAddWhoseAgentDiedReportsTheLostAgentNotTheHostEndTheDeadAgentLeft() {
        NetConf conf = decode("""
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","mode":"routed",
                 "ipam":{"type":"podnet-ipam","agentSocket":"/run/podnet/agent.sock","pool":"vpc"}}""");
        Backend lost = Main.backends("the agent closed the connection without answering").apply(conf);
        Exec everyLinkExists = (argv, stdin) -> new Exec.Result(0, "[{\"ifname\":\"eni0\",\"ifindex\":7}]", "");
        MainPlugin routed = MainPlugin.of(conf, lost, everyLinkExists, NetNamespace.current());
        CniEnv env = CniEnv.parse(Map.of(CniEnv.COMMAND, "ADD", CniEnv.CONTAINER_ID, "c1", CniEnv.NETNS,
                "/proc/self/ns/net", CniEnv.IFNAME, "eth0", CniEnv.PATH, "/opt/cni/bin"));
        assertThatThrownBy(() -> routed.add(env, conf)).isInstanceOf(CniException.class)
                .hasMessageContaining("not reachable")
                .extracting(e -> ((CniException) e).code()).isEqualTo(CniException.TRY_AGAIN_LATER);
    }

    static NetConf decode(String json) {
        return NetConfDecoder.decode(json.getBytes(StandardCharsets.UTF_8), CniCommand.ADD);
    }
}
