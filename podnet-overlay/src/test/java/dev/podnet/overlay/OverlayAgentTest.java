package dev.podnet.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.linux.Iproute;
import dev.podnet.linux.NetNamespace;
import dev.podnet.net.InvalidInputException;
import dev.podnet.store.EmbeddedStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's start-up errors, against a fake kernel: each says what to fix, and nothing is programmed. */
class OverlayAgentTest {
    @TempDir
    Path dir;

    @Test
    void aMissingConfigurationSaysHowToWriteOne() {
        FakeExec exec = new FakeExec();
        try (EmbeddedStore store = EmbeddedStore.open(dir, new ManualClock())) {
            assertThatThrownBy(() -> OverlayAgent.start(store, new Iproute(exec, NetNamespace.named("n1")),
                    OverlayAgent.Settings.defaults().withIface("eth0"), new ManualClock(), new Random()))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("no flannel configuration at /coreos.com/network/config")
                    .hasMessageContaining("etcdctl put /coreos.com/network/config");
        }
        assertThat(exec.calls).isEmpty();
    }

    @Test
    void aMissingInterfaceOrAddressIsNamed() {
        try (EmbeddedStore store = EmbeddedStore.open(dir, new ManualClock())) {
            store.put("/coreos.com/network/config", "{\"Network\":\"10.5.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}"
                    .getBytes(StandardCharsets.UTF_8), 0);
            FakeExec noLink = new FakeExec().on("link show dev eth9", 1, "Device \"eth9\" does not exist.");
            assertThatThrownBy(() -> OverlayAgent.start(store, new Iproute(noLink, NetNamespace.named("n1")),
                    OverlayAgent.Settings.defaults().withIface("eth9"), new ManualClock(), new Random()))
                    .isInstanceOf(InvalidInputException.class).hasMessage("interface eth9 does not exist in netns n1");

            FakeExec noAddress = new FakeExec().on("link show dev eth0", "[{\"ifindex\":2,\"ifname\":\"eth0\",\"mtu\":1500}]")
                    .on("addr show dev eth0", "[{\"ifname\":\"eth0\",\"addr_info\":[]}]");
            assertThatThrownBy(() -> OverlayAgent.start(store, new Iproute(noAddress, NetNamespace.named("n1")),
                    OverlayAgent.Settings.defaults().withIface("eth0"), new ManualClock(), new Random()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("eth0 has no IPv4 address in netns n1");
            assertThat(noAddress.batches()).as("nothing was programmed").isEmpty();
            assertThat(store.range("/coreos.com/network/subnets/").kvs()).as("nothing was leased").isEmpty();
        }
    }
}
