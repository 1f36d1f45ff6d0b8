package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cni.NodeConflist;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConflistWhenReadyTest {
    private static final Readiness NOT_READY = new Readiness(false, "no pool has a free address: vpc (0 total, ...)");
    private static final Readiness READY = new Readiness(true, "pool vpc has 9 free addresses");

    @TempDir
    Path dir;

    @Test
    void nothingUntilReadyThenTheConflist() throws Exception {
        Path file = dir.resolve("net.d/10-podnet.conflist");
        assertThat(ConflistWhenReady.pass(NOT_READY, file, "/run/podnet/agent.sock", "vpc")).isFalse();
        assertThat(file).doesNotExist();
        assertThat(ConflistWhenReady.pass(READY, file, "/run/podnet/agent.sock", "vpc")).isTrue();
        assertThat(Files.readString(file)).isEqualTo(NodeConflist.json("/run/podnet/agent.sock", "vpc"));
    }

    @Test
    void aWrittenConflistStaysWhenTheAgentIsNoLongerReady() throws Exception {
        Path file = dir.resolve("10-podnet.conflist");
        ConflistWhenReady.pass(READY, file, "/run/podnet/agent.sock", "vpc");
        // a pool momentarily empty must not take the node's network away
        assertThat(ConflistWhenReady.pass(NOT_READY, file, "/run/podnet/agent.sock", "vpc")).isTrue();
        assertThat(file).exists();
    }

    @Test
    void aStaleConflistIsReplacedOnlyOnceReady() throws Exception {
        Path file = dir.resolve("10-podnet.conflist");
        Files.writeString(file, "{\"old\": true}");
        assertThat(ConflistWhenReady.pass(NOT_READY, file, "/run/podnet/agent.sock", "vpc")).isFalse();
        assertThat(Files.readString(file)).isEqualTo("{\"old\": true}");
        assertThat(ConflistWhenReady.pass(READY, file, "/run/podnet/agent.sock", "vpc")).isTrue();
        assertThat(Files.readString(file)).contains("\"pool\": \"vpc\"");
    }
}
