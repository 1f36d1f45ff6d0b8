package dev.podnet.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The commands that attach a pod on ipvlan, and what a kernel without ipvlan makes of them. */
class IpvlanLinkTest {
    private static final IpvlanLink.Spec DUAL = new IpvlanLink.Spec(NetNamespace.named("pod1"), "eth0", "pnv0123456789a",
            "ens6", OptionalInt.of(9001), List.of("10.0.64.9/19", "fd00::9/120"),
            List.of(new IpvlanLink.Via("0.0.0.0/0", "10.0.64.1"), new IpvlanLink.Via("::/0", "fd00::1"),
                    new IpvlanLink.Via("10.96.0.0/12", "")));

    @Test
    void theLinkIsBornInThePodUnderItsTemporaryNameThenRenamedAddressedAndRouted() {
        IpvlanLink link = new IpvlanLink(new RecordingExec(), NetNamespace.named("node-a"));
        IpBatch node = link.nodeBatch(DUAL);
        assertThat(node.argv()).containsExactly("ip", "-n", "node-a", "-batch", "-");
        assertThat(node.lines()).containsExactly(
                "link add link ens6 name pnv0123456789a mtu 9001 netns pod1 type ipvlan mode l2");
        IpBatch pod = link.podBatch(DUAL);
        assertThat(pod.argv()).containsExactly("ip", "-n", "pod1", "-batch", "-");
        assertThat(pod.lines()).containsExactly(
                "link set pnv0123456789a name eth0",
                "link set eth0 up",
                "addr add 10.0.64.9/19 dev eth0",
                "addr add fd00::9/120 dev eth0 nodad",
                "route add 0.0.0.0/0 via 10.0.64.1 dev eth0",
                "route add ::/0 via fd00::1 dev eth0",
                "route add 10.96.0.0/12 dev eth0");
    }

    @Test
    void aKernelWithoutIpvlanFailsTheAddWithItsOwnMessageAndNothingIsMade() {
        RecordingExec exec = new RecordingExec().answer(2, "", "Error: Unknown device type.\nCommand failed -:1");
        // the undo then finds neither eth0 nor the temporary link in the pod
        exec.answer(1, "", "Device \"eth0\" does not exist.").answer(1, "", "Device \"pnv0123456789a\" does not exist.");
        IpvlanLink.Spec inCurrent = new IpvlanLink.Spec(NetNamespace.current(), "eth0", "pnv0123456789a", "ens6",
                OptionalInt.empty(), List.of("10.0.64.9/19"), List.of());
        assertThatThrownBy(() -> new IpvlanLink(exec, NetNamespace.named("node-a")).add(inCurrent))
                .isInstanceOf(LinuxException.class)
                .hasMessageContaining("`link add link ens6 name pnv0123456789a netns " + ProcessHandle.current().pid()
                        + " type ipvlan mode l2` failed: Error: Unknown device type.");
        assertThat(exec.calls).hasSize(3).noneMatch(c -> c.stdin().contains("link del"));
    }

    @Test
    void theMasterIsTheLinkOfTheTablesDefaultRoute() {
        RecordingExec exec = new RecordingExec().answer(0, """
                [{"dst":"default","gateway":"10.0.0.1","dev":"ens5"},
                 {"dst":"10.0.64.0/19","dev":"ens6","table":"3"},
                 {"dst":"default","gateway":"10.0.64.1","dev":"ens6","table":"3"}]""", "");
        assertThat(new IpvlanLink(exec, NetNamespace.named("node-a")).master(OptionalInt.of(3))).contains("ens6");
        assertThat(exec.calls.getFirst().argv()).containsExactly("ip", "-n", "node-a", "-j", "-4", "route", "show",
                "table", "all");
    }

    @Test
    void routesAreComparedAsIpPrintsThem() {
        assertThat(new IpvlanLink.Via("0.0.0.0/0", "10.0.64.1").shown()).isEqualTo("default");
        assertThat(new IpvlanLink.Via("::/0", "fd00::1").shown()).isEqualTo("default");
        assertThat(new IpvlanLink.Via("10.9.9.9/32", "").shown()).isEqualTo("10.9.9.9");
        assertThat(new IpvlanLink.Via("10.96.0.0/12", "").shown()).isEqualTo("10.96.0.0/12");
    }
}
