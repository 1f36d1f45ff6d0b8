package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpRangeTest {

    @Test
    void ipv4DefaultsAreHostLocals() {
        IpRange r = IpRange.of("10.1.2.0/24");
        assertThat(r.rangeStart()).hasToString("10.1.2.1");
        assertThat(r.rangeEnd()).hasToString("10.1.2.254");
        assertThat(r.gateway()).hasToString("10.1.2.1");
    }

    @Test
    void ipv6RangeEndsAtTheLastAddress() {
        IpRange r = IpRange.of("fd00:10::/120");
        assertThat(r.rangeStart()).hasToString("fd00:10::1");
        assertThat(r.rangeEnd()).hasToString("fd00:10::ff");
    }

    @Test
    void explicitValuesAreKept() {
        IpRange r = IpRange.builder("10.1.2.0/24").rangeStart("10.1.2.10").rangeEnd("10.1.2.20")
                .gateway("10.1.2.254").exclude("10.1.2.15").build();
        assertThat(r.rangeStart()).hasToString("10.1.2.10");
        assertThat(r.rangeEnd()).hasToString("10.1.2.20");
        assertThat(r.gateway()).hasToString("10.1.2.254");
        assertThat(r.excluded()).hasSize(1);
    }

    @Test
    void refusesWhatHostLocalRefuses() {
        assertThatThrownBy(() -> IpRange.of("10.0.0.0/31")).hasMessageContaining("too small");
        assertThatThrownBy(() -> IpRange.builder("10.1.2.0/24").rangeStart("10.1.3.1"))
                .hasMessageContaining("rangeStart 10.1.3.1 is outside 10.1.2.0/24");
        assertThatThrownBy(() -> IpRange.builder("10.1.2.0/24").rangeStart("10.1.2.50").rangeEnd("10.1.2.40").build())
                .hasMessageContaining("is after rangeEnd");
        assertThatThrownBy(() -> IpRange.builder("10.1.2.0/24").gateway("10.01.2.1"))
                .isInstanceOf(IpamException.class).hasMessageContaining("not a single IP address");
    }

    @Test
    void poolsRejectMixedFamiliesAndOverlaps() {
        assertThatThrownBy(() -> new Pool("p", java.util.List.of(IpRange.of("fd00::/120")), java.util.List.of()))
                .hasMessageContaining("listed as IPv4");
        assertThatThrownBy(() -> Pool.of("p", IpRange.of("10.0.0.0/24"), IpRange.of("10.0.0.0/25")))
                .hasMessageContaining("overlaps");
        assertThatThrownBy(() -> Pool.of("bad name", IpRange.of("10.0.0.0/24"))).hasMessageContaining("pool name");
    }

    @Test
    void attachmentKeysFollowTheCniSpec() {
        assertThat(AttachmentKey.of("a1_b.c-d", "eth0")).hasToString("a1_b.c-d/eth0");
        assertThatThrownBy(() -> AttachmentKey.of("", "eth0")).hasMessageContaining("empty");
        assertThatThrownBy(() -> AttachmentKey.of("-x", "eth0")).hasMessageContaining("must start");
        assertThatThrownBy(() -> AttachmentKey.of("a b", "eth0")).hasMessageContaining("only letters");
        assertThatThrownBy(() -> AttachmentKey.of("a\nR", "eth0")).hasMessageContaining("\\x0a");
        assertThatThrownBy(() -> AttachmentKey.of("c", "0123456789abcdef")).hasMessageContaining("1 to 15");
        assertThatThrownBy(() -> AttachmentKey.of("c", "eth/0")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> AttachmentKey.of("c", "eth 0")).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> AttachmentKey.of("c", "eth:0")).hasMessageContaining("':'");
        assertThatThrownBy(() -> AttachmentKey.of("c", "..")).isInstanceOf(IpamException.class);
    }
}
