package dev.podnet.planner.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.net.Cidr;
import dev.podnet.planner.artifacts.ArtifactFixtures.Scenario;
import org.junit.jupiter.api.Test;

class PodPrefixesTest {

    private static PodPrefixes prefixes(Scenario s) {
        return PodPrefixes.of(new PlanView(s.plan(), s.report()));
    }

    @Test
    void coverSplitsARangeIntoTheFewestAlignedBlocks() {
        Cidr subnet = Cidr.parse("10.0.0.0/24");
        assertThat(PodPrefixes.cover(subnet, 28, 1, 6)).map(Cidr::toString)
                .containsExactly("10.0.0.16/28", "10.0.0.32/27", "10.0.0.64/27", "10.0.0.96/28");
        assertThat(PodPrefixes.cover(subnet, 28, 0, 16)).map(Cidr::toString).containsExactly("10.0.0.0/24");
        assertThat(PodPrefixes.cover(subnet, 28, 1, 0)).isEmpty();
    }

    @Test
    void nodesInAZoneTakeConsecutivePrefixesAfterTheFirstBlock() {
        PodPrefixes prefixes = prefixes(ArtifactFixtures.dualStack());
        var first = prefixes.slots().getFirst();
        assertThat(first.name()).isEqualTo("underlay-eu-west-1a-0");
        assertThat(first.ipv4Prefixes()).map(Cidr::toString).containsExactly(
                "100.64.0.16/28", "100.64.0.32/28", "100.64.0.48/28", "100.64.0.64/28", "100.64.0.80/28");
        assertThat(first.ipv6Prefix()).map(Cidr::toString).contains("2600:1f18:abcd:3400:1::/80");
        // the edge node comes after both underlay nodes of eu-west-1a: prefixes 11-12 and the third /80
        var edge = prefixes.slots().getLast();
        assertThat(edge.ipv4Prefixes()).map(Cidr::toString).containsExactly("100.64.0.176/28", "100.64.0.192/28");
        assertThat(edge.ipv6Prefix()).map(Cidr::toString).contains("2600:1f18:abcd:3400:3::/80");
    }

    @Test
    void reservationsCoverExactlyTheCarvedBlocks() {
        PodPrefixes prefixes = prefixes(ArtifactFixtures.dualStack());
        // eu-west-1a: /28 blocks 1..12 (1, 2-3, 4-7, 8-11, 12), /80 blocks 1..3 (1, 2-3)
        assertThat(prefixes.reservations("eu-west-1a")).map(Cidr::toString).containsExactly(
                "100.64.0.16/28", "100.64.0.32/27", "100.64.0.64/26", "100.64.0.128/26", "100.64.0.192/28",
                "2600:1f18:abcd:3400:1::/80", "2600:1f18:abcd:3400:2::/79");
    }

    @Test
    void prefixModeCarvesFromTheNodeSubnetWithoutIpv6() {
        PodPrefixes prefixes = prefixes(ArtifactFixtures.prefix());
        assertThat(prefixes.subnet("eu-west-1b")).hasToString("10.1.32.0/19");
        assertThat(prefixes.slots()).allSatisfy(s -> assertThat(s.ipv6Prefix()).isEmpty());
        // two nodes of 7 prefixes: blocks 1..14 (1, 2-3, 4-7, 8-11, 12-13, 14)
        assertThat(prefixes.reservations("eu-west-1a")).map(Cidr::toString).containsExactly("10.1.0.16/28",
                "10.1.0.32/27", "10.1.0.64/26", "10.1.0.128/26", "10.1.0.192/27", "10.1.0.224/28");
    }
}
