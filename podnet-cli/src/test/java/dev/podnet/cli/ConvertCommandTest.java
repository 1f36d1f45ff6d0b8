package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** podnet convert spiderpool as a user runs it. */
class ConvertCommandTest {
    @TempDir
    Path dir;

    @Test
    void theExamplePrintsPodnetsObjectsAndTellsWhatWasLeftOut() {
        MainTest.Run r = MainTest.run("convert", "spiderpool", "../examples/spiderpool-objects.yaml");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("# podnet objects converted from Spiderpool's")
                .contains("kind: IPPool", "name: vlan100-v4", "podnet.dev/pool: macvlan-vlan100", "kind: NetworkConfig")
                .doesNotContain("vlan: 100", "resourceVersion", "allocatedIPCount");
        assertThat(r.err()).contains("podnet convert: SpiderIPPool vlan100-v4: spec.vlan 100 left out");
    }

    @Test
    void anObjectPodnetWouldRefusePrintsNothingAndExitsTwo() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: spiderpool.spidernet.io/v2beta1
                kind: SpiderIPPool
                metadata: {name: bad}
                spec: {subnet: 10.0.0.0/24, gateway: 10.9.9.9}
                """);
        MainTest.Run r = MainTest.run("convert", "spiderpool", bad.toString());
        assertThat(r.status()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("nothing converted", "bad", "10.9.9.9");
        assertThat(MainTest.run("convert", "spiderpool", dir.resolve("missing.yaml").toString()).err())
                .contains("missing.yaml");
    }
}
