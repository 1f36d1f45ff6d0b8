package dev.podnet.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpBatchTest {
    @Test
    void runsOneIpProcessPerBatchWithTheCommandsOnStdin() {
        RecordingExec exec = new RecordingExec();
        IpBatch.ip(NetNamespace.named("node1"))
                .add("neigh", "replace", "10.5.3.0", "lladdr", "aa:bb:cc:dd:ee:ff", "dev", "flannel.1", "nud", "permanent")
                .add("route", "replace", "10.5.3.0/24", "via", "10.5.3.0", "dev", "flannel.1", "onlink")
                .run(exec);

        assertThat(exec.calls).hasSize(1);
        assertThat(exec.calls.getFirst().argv()).containsExactly("ip", "-n", "node1", "-batch", "-");
        assertThat(exec.calls.getFirst().stdin()).isEqualTo("""
                neigh replace 10.5.3.0 lladdr aa:bb:cc:dd:ee:ff dev flannel.1 nud permanent
                route replace 10.5.3.0/24 via 10.5.3.0 dev flannel.1 onlink
                """);
    }

    @Test
    void bridgeBatchInTheCurrentNamespaceHasNoNetnsOption() {
        IpBatch batch = IpBatch.bridge(NetNamespace.current())
                .add("fdb", "replace", "aa:bb:cc:dd:ee:ff", "dev", "flannel.1", "dst", "192.168.77.2", "self", "permanent");
        assertThat(batch.argv()).containsExactly("bridge", "-batch", "-");
        assertThat(batch.lines()).containsExactly("fdb replace aa:bb:cc:dd:ee:ff dev flannel.1 dst 192.168.77.2 self permanent");
    }

    @Test
    void anEmptyBatchStartsNoProcess() {
        RecordingExec exec = new RecordingExec();
        IpBatch.ip(NetNamespace.current()).run(exec);
        assertThat(exec.calls).isEmpty();
    }

    @Test
    void aFailureNamesTheFailingLineAndQuotesIpsError() {
        RecordingExec exec = new RecordingExec().answer(1, "", "RTNETLINK answers: No such process\nCommand failed -:2\n");
        IpBatch batch = IpBatch.ip(NetNamespace.named("n1")).add("link", "set", "flannel.1", "up")
                .add("route", "del", "10.9.9.0/24", "dev", "flannel.1").add("link", "set", "lo", "up");

        assertThatThrownBy(() -> batch.run(exec)).isInstanceOf(LinuxException.class)
                .hasMessage("ip -n n1 -batch - (exit 1): line 2 of 3 `route del 10.9.9.0/24 dev flannel.1` failed: "
                        + "RTNETLINK answers: No such process");
    }

    @Test
    void aFailureWithoutALineNumberStillQuotesTheError() {
        RecordingExec exec = new RecordingExec().answer(255, "", "Object \"nope\" is unknown, try \"ip help\".\n");
        assertThatThrownBy(() -> IpBatch.ip(NetNamespace.current()).add("nope").run(exec))
                .isInstanceOf(LinuxException.class)
                .hasMessage("ip -batch - (exit 255): Object \"nope\" is unknown, try \"ip help\".");
    }

    @Test
    void deletesRunUntilNoLineMatchesAndOnlyNotFoundIsNotAFailure() {
        RecordingExec exec = new RecordingExec()
                .answer(1, "", "RTNETLINK answers: No such file or directory\nCommand failed -:1\n")
                .answer(1, "", "RTNETLINK answers: No such file or directory\nCommand failed -:1\n");
        IpBatch.ip(NetNamespace.named("n1")).add("rule", "del", "to", "10.1.0.5/32", "priority", "512")
                .add("rule", "del", "from", "10.1.0.5/32", "priority", "1536").deleteUntilGone(exec);
        assertThat(exec.calls).extracting(RecordingExec.Call::stdin).containsExactly(
                "rule del to 10.1.0.5/32 priority 512\nrule del from 10.1.0.5/32 priority 1536\n",
                "rule del from 10.1.0.5/32 priority 1536\n");
        assertThat(exec.calls.getFirst().argv()).containsExactly("ip", "-n", "n1", "-force", "-batch", "-");

        RecordingExec refused = new RecordingExec().answer(2, "", "RTNETLINK answers: Operation not permitted\n"
                + "Command failed -:1\n");
        assertThatThrownBy(() -> IpBatch.ip(NetNamespace.current()).add("rule", "del", "to", "10.1.0.5/32")
                .deleteUntilGone(refused)).isInstanceOf(LinuxException.class)
                .hasMessage("ip -force -batch -: line 1 of 1 `rule del to 10.1.0.5/32` failed: "
                        + "RTNETLINK answers: Operation not permitted");
        RecordingExec alwaysDeletes = new RecordingExec();
        assertThatThrownBy(() -> IpBatch.ip(NetNamespace.current()).add("rule", "del", "to", "10.1.0.5/32")
                .deleteUntilGone(alwaysDeletes)).hasMessageContaining("still deleting after 64 rounds");
    }

    @Test
    void refusesWordsThatTheBatchParserWouldSplitOrReinterpret() {
        IpBatch batch = IpBatch.ip(NetNamespace.current());
        for (String bad : List.of("", "two words", "a\nroute flush all", "#comment", "\"q\"", "'q'", "back\\slash")) {
            assertThatThrownBy(() -> batch.add("link", "set", bad, "up"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(batch.isEmpty()).isTrue();
    }

    @Test
    void namespaceNamesCannotEscapeTheNetnsDirectory() {
        for (String bad : List.of("..", "a/b", "x y", "")) {
            assertThatThrownBy(() -> NetNamespace.named(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(NetNamespace.named("pnabc-node1").iproute("ip")).containsExactly("ip", "-n", "pnabc-node1");
        assertThat(NetNamespace.named("n1").exec(List.of("sysctl", "-n", "net.ipv4.ip_forward")))
                .containsExactly("ip", "netns", "exec", "n1", "sysctl", "-n", "net.ipv4.ip_forward");
    }

    @Test
    void batchesForDifferentNamespacesDoNotMerge() {
        IpBatch a = IpBatch.ip(NetNamespace.named("a")).add("link", "set", "lo", "up");
        IpBatch b = IpBatch.ip(NetNamespace.named("b")).add("link", "set", "lo", "up");
        assertThatThrownBy(() -> a.addAll(b)).isInstanceOf(IllegalArgumentException.class);
        assertThat(a.addAll(IpBatch.ip(NetNamespace.named("a")).add("link", "set", "eth0", "up")).lines()).hasSize(2);
    }
}
