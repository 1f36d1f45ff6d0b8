package dev.podnet.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The commands a routed attachment sends to ip, without a kernel. */
class RoutedVethTest {
    /** What ip -force -batch prints for line N of deletes that matched nothing. */
    private static final String NONE = "RTNETLINK answers: No such file or directory\nCommand failed -:%d\n";
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
        // then: link show (exists), routes v4/v6, link del, one round of rule deletes per family that finds none
        exec.answer(0, "[{\"ifname\":\"eni0123456789a\",\"ifindex\":9}]", "").answer(0, "[]", "")
                .answer(0, "[]", "").answer(0, "", "").answer(1, "", NONE.formatted(1) + NONE.formatted(2))
                .answer(1, "", NONE.formatted(1) + NONE.formatted(2));
        RoutedVeth veth = new RoutedVeth(exec, 1);
        assertThatThrownBy(() -> veth.add(DUAL)).isInstanceOf(LinuxException.class)
                .hasMessageContaining("line 3 of 6 `route add 10.1.0.5/32 dev eni0123456789a scope link` failed");
        assertThat(exec.calls).anyMatch(c -> c.stdin().contains("link del eni0123456789a"));
        assertThat(exec.calls).hasSize(8);
    }

    @Test
    void removeDeletesThePodsRulesByAddressAndPriorityUntilTheKernelMatchesNoneNotWhatADumpListed() {
        RecordingExec exec = new RecordingExec()
                .answer(1, "", "Device \"eni0123456789a\" does not exist.\n")
                // IPv4: "to" and one "from" go, then a second "from" (another VPC block), then none is left
                .answer(0, "", "").answer(1, "", NONE.formatted(1)).answer(1, "", NONE.formatted(1))
                .answer(1, "", NONE.formatted(1) + NONE.formatted(2));
        new RoutedVeth(exec, 1).remove("eni0123456789a", List.of("10.1.0.5", "fd00::5"));
        assertThat(exec.calls).extracting(RecordingExec.Call::stdin).containsExactly("",
                "rule del to 10.1.0.5/32 priority 512\nrule del from 10.1.0.5/32 priority 1536\n",
                "rule del to 10.1.0.5/32 priority 512\nrule del from 10.1.0.5/32 priority 1536\n",
                "rule del from 10.1.0.5/32 priority 1536\n",
                "rule del to fd00::5/128 priority 512\nrule del from fd00::5/128 priority 1536\n");
        assertThat(exec.calls.get(1).argv()).containsExactly("ip", "-force", "-batch", "-");
        assertThat(exec.calls.get(4).argv()).containsExactly("ip", "-6", "-force", "-batch", "-");
    }

    @Test
    void aPathUnderVarRunNetnsIsANameAnyOtherIsEnteredWithNsenter() {
        assertThat(NetNamespace.at(Path.of("/var/run/netns/cni-1234"))).isEqualTo(NetNamespace.named("cni-1234"));
        assertThat(NetNamespace.at(Path.of("/proc/42/ns/net")).path()).contains(Path.of("/proc/42/ns/net"));
        assertThatThrownBy(() -> NetNamespace.at(Path.of("/tmp/a b"))).isInstanceOf(IllegalArgumentException.class);
    }
}
