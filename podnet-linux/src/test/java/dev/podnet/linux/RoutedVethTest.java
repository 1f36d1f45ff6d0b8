package dev.podnet.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The commands a routed attachment sends to ip, without a kernel. */
class RoutedVethTest {
    private static final RoutedVeth.Spec DUAL = new RoutedVeth.Spec(NetNamespace.at(Path.of("/proc/42/ns/net")), "eth0",
            "eni0123456789a", "02:aa:bb:cc:dd:ee", "podnet:c1/eth0", OptionalInt.of(9001),
            List.of("10.1.0.5", "fd00::5"), OptionalInt.of(7));

    @Test
    void thePodSideIsOneBatchInItsNamespaceWithTheHostEndBornInOurs() {
        IpBatch b = new RoutedVeth(new RecordingExec(), 4711).podBatch(DUAL);
        assertThat(b.argv()).containsExactly("nsenter", "--net=/proc/42/ns/net", "ip", "-batch", "-");
        assertThat(b.lines()).containsExactly(
                "link add eth0 mtu 9001 type veth peer name eni0123456789a mtu 9001 address 02:aa:bb:cc:dd:ee netns 4711",
                "link set eth0 up",
                "addr add 10.1.0.5/32 dev eth0",
                "addr add fd00::5/128 dev eth0 nodad",
                "route add 169.254.1.1/32 dev eth0 scope link",
                "neigh add 169.254.1.1 lladdr 02:aa:bb:cc:dd:ee dev eth0 nud permanent",
                "route add 0.0.0.0/0 via 169.254.1.1 dev eth0",
                "neigh add fe80::1 lladdr 02:aa:bb:cc:dd:ee dev eth0 nud permanent",
                "route add ::/0 via fe80::1 dev eth0");
    }

    @Test
    void theHostSideRoutesEachAddressAndAddsAwsVpcCnisRulesForAnEniTable() {
        IpBatch b = new RoutedVeth(new RecordingExec(), 1).hostBatch(DUAL);
        assertThat(b.argv()).containsExactly("ip", "-batch", "-");
        assertThat(b.lines()).containsExactly(
                "link set eni0123456789a up alias podnet:c1/eth0",
                "addr add fe80::1/64 dev eni0123456789a nodad",
                "route add 10.1.0.5/32 dev eni0123456789a scope link",
                "route add fd00::5/128 dev eni0123456789a",
                "rule add to 10.1.0.5/32 lookup main priority 512",
                "rule add from 10.1.0.5/32 lookup 7 priority 1536");
    }

    @Test
    void withSnatTheRuleFromThePodIsScopedToEachVpcCidrOfItsFamily() {
        RoutedVeth.Spec scoped = new RoutedVeth.Spec(DUAL.pod(), "eth0", "eni0123456789a", "02:aa:bb:cc:dd:ee",
                "podnet:c1/eth0", OptionalInt.empty(), List.of("10.1.0.5", "fd00::5"), OptionalInt.of(2),
                List.of("10.0.0.0/16", "100.64.0.0/16"));
        assertThat(new RoutedVeth(new RecordingExec(), 1).hostBatch(scoped).lines()).endsWith(
                "rule add to 10.1.0.5/32 lookup main priority 512",
                "rule add from 10.1.0.5/32 to 10.0.0.0/16 lookup 2 priority 1536",
                "rule add from 10.1.0.5/32 to 100.64.0.0/16 lookup 2 priority 1536");
        // no IPv6 block to scope to: the IPv6 address keeps its one rule
        assertThat(scoped.destinations("fd00::5")).containsExactly((String) null);
        assertThat(scoped.destinations("10.1.0.5")).containsExactly("10.0.0.0/16", "100.64.0.0/16");
    }

    @Test
    void checkWantsOneScopedRulePerVpcCidr() {
        RoutedVeth.Spec scoped = new RoutedVeth.Spec(DUAL.pod(), "eth0", "eni0123456789a", "02:aa:bb:cc:dd:ee",
                "podnet:c1/eth0", OptionalInt.empty(), List.of("10.1.0.5"), OptionalInt.of(2),
                List.of("10.0.0.0/16", "100.64.0.0/16"));
        List<String> problems = new java.util.ArrayList<>();
        RoutedVeth.checkRules(List.of(new Rule(512, "all", 0, "10.1.0.5", 32, "main"),
                new Rule(1536, "10.1.0.5", 32, "10.0.0.0", 16, "2"),
                new Rule(1536, "10.1.0.5", 32, "", 0, "2")), scoped, scoped.addresses(), problems);
        assertThat(problems).containsExactly(
                "the ip rule from 10.1.0.5/32 to 100.64.0.0/16 lookup 2 priority 1536 is missing");
    }

    @Test
    void aNamedNodeNamespaceGetsTheHostEndAndItsRoutesAndRules() {
        RoutedVeth veth = new RoutedVeth(new RecordingExec(), NetNamespace.named("node-a"));
        assertThat(veth.podBatch(DUAL).lines().getFirst()).endsWith(" netns node-a");
        assertThat(veth.hostBatch(DUAL).argv()).containsExactly("ip", "-n", "node-a", "-batch", "-");
        assertThat(veth.node()).isEqualTo(NetNamespace.named("node-a"));
    }

    @Test
    void aFailedAddRemovesTheHostEndItMadeAndRethrows() {
        RecordingExec exec = new RecordingExec().answer(0, "", "")
                .answer(2, "", "Error: Nexthop has invalid gateway.\nCommand failed -:3");
        // then: link show (exists), routes v4/v6, rules v4/v6, the delete batches
        exec.answer(0, "[{\"ifname\":\"eni0123456789a\",\"ifindex\":9}]", "");
        RoutedVeth veth = new RoutedVeth(exec, 1);
        assertThatThrownBy(() -> veth.add(DUAL)).isInstanceOf(LinuxException.class)
                .hasMessageContaining("line 3 of 6 `route add 10.1.0.5/32 dev eni0123456789a scope link` failed");
        assertThat(exec.calls).anyMatch(c -> c.stdin().contains("link del eni0123456789a"));
    }

    @Test
    void onlyTheRulesOfThePodsAddressesAtTheirPrioritiesAreTheirs() {
        List<Rule> rules = List.of(new Rule(512, "all", 0, "10.1.0.5", 32, "main"),
                new Rule(1536, "10.1.0.5", 32, "", 0, "7"),
                new Rule(1536, "10.1.0.6", 32, "", 0, "7"),
                new Rule(1000, "10.1.0.5", 32, "", 0, "9"),
                new Rule(32766, "all", 0, "", 0, "main"));
        assertThat(RoutedVeth.podRules(rules, List.of("10.1.0.5"))).containsExactly(rules.get(0), rules.get(1));
        Rule scoped = new Rule(1536, "10.1.0.5", 32, "10.0.0.0", 16, "2");
        assertThat(RoutedVeth.podRules(List.of(scoped), List.of("10.1.0.5"))).containsExactly(scoped);
        assertThat(scoped.deleteWords()).containsExactly("rule", "del", "priority", "1536", "from", "10.1.0.5/32",
                "to", "10.0.0.0/16", "lookup", "2");
        assertThat(rules.get(1).deleteWords()).containsExactly("rule", "del", "priority", "1536", "from", "10.1.0.5/32",
                "lookup", "7");
    }

    @Test
    void aPathUnderVarRunNetnsIsANameAnyOtherIsEnteredWithNsenter() {
        assertThat(NetNamespace.at(Path.of("/var/run/netns/cni-1234"))).isEqualTo(NetNamespace.named("cni-1234"));
        assertThat(NetNamespace.at(Path.of("/proc/42/ns/net")).path()).contains(Path.of("/proc/42/ns/net"));
        assertThatThrownBy(() -> NetNamespace.at(Path.of("/tmp/a b"))).isInstanceOf(IllegalArgumentException.class);
    }
}
