package dev.podnet.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VpcCniEnvironmentTest {
    @Test
    void familiesAreTheVpcCnisIpv4AndIpv6ModesOrBothAtOnce() {
        assertThat(VpcCniEnvironment.families(Map.of())).isEqualTo(PodFamilies.IPV4);
        assertThat(VpcCniEnvironment.families(Map.of("ENABLE_IPv6", "true", "ENABLE_IPv4", "false")))
                .isEqualTo(PodFamilies.IPV6);
        assertThat(VpcCniEnvironment.families(Map.of("ENABLE_IPv6", "true"))).isEqualTo(PodFamilies.DUAL);
        assertThat(VpcCniEnvironment.families(Map.of("ENABLE_IPv6", "true", "ENABLE_IPv4", "true")))
                .isEqualTo(PodFamilies.DUAL);
        assertThatThrownBy(() -> VpcCniEnvironment.families(Map.of("ENABLE_IPv4", "false")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("both false");
    }
}
