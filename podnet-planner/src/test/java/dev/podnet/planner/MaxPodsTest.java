package dev.podnet.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.InstanceCatalogue;
import dev.podnet.net.InstanceType;
import dev.podnet.net.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaxPodsTest {
    private final InstanceCatalogue catalogue = InstanceCatalogue.bundled();

    @ParameterizedTest(name = "{0} {1} custom={2} ipv6={3} cap={4} -> {5}")
    @CsvSource(nullValues = "-", textBlock = """
            # hand-worked: m5.large 3 ENIs x 10, t3.medium 3 x 6, c5.18xlarge 15 x 50, t2.micro (xen) 2 x 2
            m5.large,     secondary-ip, false, false, -,   29
            t3.medium,    secondary-ip, false, false, -,   17
            c5.18xlarge,  secondary-ip, false, false, -,   737
            m5.large,     prefix,       false, false, -,   434
            m5.large,     prefix,       false, false, 110, 110
            m5.large,     secondary-ip, false, false, 110, 29
            m5.large,     secondary-ip, true,  false, -,   20
            m5.large,     prefix,       true,  false, -,   290
            t3.medium,    secondary-ip, true,  false, -,   12
            c5.18xlarge,  prefix,       false, false, 250, 250
            m5.large,     secondary-ip, false, true,  -,   434
            m5.large,     secondary-ip, false, true,  110, 110
            t2.micro,     secondary-ip, false, false, -,   4
            t2.micro,     prefix,       false, false, -,   4
            """)
    void handWorkedCases(String type, String mode, boolean custom, boolean ipv6, Integer cap, int expected) {
        MaxPods.Result r = MaxPods.compute(catalogue.get(type), MaxPods.Mode.parse(mode), custom, ipv6, cap);
        assertThat(r.maxPods()).isEqualTo(expected);
    }

    @Test
    void prefixModeOnXenFallsBackToSecondaryIpsAndSaysSo() {
        MaxPods.Result r = MaxPods.compute(catalogue.get("t2.micro"), MaxPods.Mode.PREFIX, false, false, null);
        assertThat(r.mode()).isEqualTo("secondary-ip");
        assertThat(r.note()).contains("Nitro");
    }

    @Test
    void ipv6OnXenAndIpv6WithCustomNetworkingAreRefused() {
        assertThatThrownBy(() -> MaxPods.compute(catalogue.get("t2.micro"), MaxPods.Mode.SECONDARY_IP, false, true, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("t2.micro");
        assertThatThrownBy(() -> MaxPods.compute(catalogue.get("m5.large"), MaxPods.Mode.SECONDARY_IP, true, true, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("custom networking");
        assertThatThrownBy(() -> MaxPods.compute(catalogue.get("m5.large"), MaxPods.Mode.SECONDARY_IP, false, false, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--cap");
    }

    /** Every type of the shipped catalogue, against the formulas applied to the raw CSV line by this test. */
    @Test
    void everyCatalogueTypeMatchesTheFormulas() throws IOException {
        List<String> lines;
        try (InputStream in = InstanceType.class.getResourceAsStream("ec2-instance-network-limits.csv")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).toList();
        }
        assertThat(lines).hasSize(1391);
        assertThat(catalogue.size()).isEqualTo(1391);
        for (String line : lines) {
            String[] f = line.split(",");
            int enis = Integer.parseInt(f[1]);
            int ips = Integer.parseInt(f[2]);
            boolean prefixes = f[3].equals("nitro") || f[4].equals("true");
            InstanceType type = catalogue.get(f[0]);
            assertThat(MaxPods.compute(type, MaxPods.Mode.SECONDARY_IP, false, false, null).maxPods())
                    .as(f[0]).isEqualTo(enis * (ips - 1) + 2);
            assertThat(MaxPods.compute(type, MaxPods.Mode.SECONDARY_IP, true, false, null).maxPods())
                    .as(f[0] + " custom networking").isEqualTo((enis - 1) * (ips - 1) + 2);
            assertThat(MaxPods.compute(type, MaxPods.Mode.PREFIX, false, false, null).maxPods())
                    .as(f[0] + " prefix").isEqualTo(prefixes ? enis * (ips - 1) * 16 + 2 : enis * (ips - 1) + 2);
            assertThat(MaxPods.compute(type, MaxPods.Mode.PREFIX, false, false, 110).maxPods())
                    .as(f[0] + " prefix capped").isEqualTo(Math.min(110, prefixes ? enis * (ips - 1) * 16 + 2 : enis * (ips - 1) + 2));
        }
    }

    @Test
    void unknownTypeSuggestsTheClosestNames() {
        assertThatThrownBy(() -> catalogue.get("m5.larg"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown instance type \"m5.larg\"; did you mean m5.large?");
    }
}
