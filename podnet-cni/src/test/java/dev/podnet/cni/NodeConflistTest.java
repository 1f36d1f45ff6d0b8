package dev.podnet.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.api.CniCommand;
import dev.podnet.api.NetConf;
import dev.podnet.api.NetConfDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConflistTest {
    @TempDir
    Path dir;

    @Test
    void theConflistIsTheMainPluginAskingTheAgentAsTheRuntimeHandsItOver() throws Exception {
        Path file = NodeConflist.write(dir.resolve("net.d/10-podnet.conflist"), "/run/podnet/agent.sock", "vpc");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        try (var left = Files.list(file.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("10-podnet.conflist");
        }
        JsonNode conflist = new ObjectMapper().readTree(Files.readString(file));
        assertThat(conflist.path("cniVersion").asText()).isEqualTo("1.0.0");
        assertThat(conflist.path("plugins")).hasSize(1);
        // the runtime puts the list's cniVersion and name into each plugin's configuration
        ObjectNode plugin = ((ObjectNode) conflist.path("plugins").get(0)).deepCopy()
                .put("cniVersion", conflist.path("cniVersion").asText()).put("name", conflist.path("name").asText());
        NetConf conf = NetConfDecoder.decode(plugin.toString().getBytes(StandardCharsets.UTF_8), CniCommand.ADD);
        assertThat(conf.type()).isEqualTo("podnet");
        assertThat(conf.mode()).isEqualTo("routed");
        assertThat(conf.mtu()).isEqualTo(9001);
        NetConf.Ipam ipam = conf.requireIpam("podnet-ipam");
        assertThat(ipam.agentSocket()).isEqualTo("/run/podnet/agent.sock");
        assertThat(ipam.pool()).isEqualTo("vpc");
    }

    @Test
    void aSecondWriteReplacesTheFile() throws Exception {
        Path file = dir.resolve("10-podnet.conflist");
        Files.writeString(file, "old");
        NodeConflist.write(file, "/run/podnet/agent.sock", "vpc");
        assertThat(Files.readString(file)).startsWith("{").contains("\"pool\": \"vpc\"");
    }
}
