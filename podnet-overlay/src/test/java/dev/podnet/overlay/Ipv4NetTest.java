package dev.podnet.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.InvalidInputException;
import org.junit.jupiter.api.Test;

class Ipv4NetTest {
    @Test
    void arithmetic() {
        Ipv4Net n = Ipv4Net.parse("10.5.52.0/24");
        assertThat(n.ip()).isEqualTo("10.5.52.0");
        assertThat(n.host(1)).isEqualTo("10.5.52.1");
        assertThat(n.next()).isEqualTo(Ipv4Net.parse("10.5.53.0/24"));
        assertThat(n.overlaps(Ipv4Net.parse("10.5.0.0/16"))).isTrue();
        assertThat(n.overlaps(Ipv4Net.parse("10.5.52.128/25"))).isTrue();
        assertThat(n.overlaps(Ipv4Net.parse("10.5.53.0/24"))).isFalse();
    }

    @Test
    void strictParsing() {
        for (String bad : new String[] {"10.5.0.0", "10.5.0/16", "10.05.0.0/16", "256.0.0.0/8", "10.5.0.0/33", "10.5.0.1/16"}) {
            assertThatThrownBy(() -> Ipv4Net.parse(bad)).as(bad).isInstanceOf(InvalidInputException.class);
        }
    }
}
