package dev.podnet.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubnetEnvTest {
    @TempDir
    Path dir;

    @Test
    void writesFlannelsFileAtomicallyAndCreatesTheDirectory() throws IOException {
        Path file = dir.resolve("run/flannel/subnet.env");
        SubnetEnv.ipv4(Ipv4Net.parse("10.5.0.0/16"), Ipv4Net.parse("10.5.52.0/24"), 1450, false).write(file);

        assertThat(Files.readString(file)).isEqualTo("""
                FLANNEL_NETWORK=10.5.0.0/16
                FLANNEL_SUBNET=10.5.52.1/24
                FLANNEL_MTU=1450
                FLANNEL_IPMASQ=false
                """);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        try (var left = Files.list(file.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("subnet.env");
        }
    }

    @Test
    void replacingKeepsTheFilesPermissions() throws IOException {
        Path file = dir.resolve("subnet.env");
        SubnetEnv.ipv4(Ipv4Net.parse("10.5.0.0/16"), Ipv4Net.parse("10.5.1.0/24"), 1450, true).write(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        SubnetEnv.ipv4(Ipv4Net.parse("10.5.0.0/16"), Ipv4Net.parse("10.5.2.0/24"), 8950, true).write(file);

        assertThat(SubnetEnv.read(file)).containsExactly(
                java.util.Map.entry("FLANNEL_NETWORK", "10.5.0.0/16"), java.util.Map.entry("FLANNEL_SUBNET", "10.5.2.1/24"),
                java.util.Map.entry("FLANNEL_MTU", "8950"), java.util.Map.entry("FLANNEL_IPMASQ", "true"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void dualStackAddsTheIpv6LinesWhereFlannelPutsThem() {
        SubnetEnv env = new SubnetEnv(Ipv4Net.parse("10.5.0.0/16"), Ipv4Net.parse("10.5.52.0/24"), 1450, false,
                Optional.of("fc00::/48"), Optional.of("fc00:0:0:34::1/64"));
        assertThat(env.text()).isEqualTo("""
                FLANNEL_NETWORK=10.5.0.0/16
                FLANNEL_SUBNET=10.5.52.1/24
                FLANNEL_IPV6_NETWORK=fc00::/48
                FLANNEL_IPV6_SUBNET=fc00:0:0:34::1/64
                FLANNEL_MTU=1450
                FLANNEL_IPMASQ=false
                """);
    }
}
