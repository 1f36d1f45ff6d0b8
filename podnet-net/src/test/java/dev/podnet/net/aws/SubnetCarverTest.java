package dev.podnet.net.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SubnetCarverTest {

    private static final Cidr POD_RANGE = Cidr.parse("100.64.0.0/16");
    private static final List<String> THREE_ZONES = List.of("us-east-1a", "us-east-1b", "us-east-1c");

    private static List<CarvedSubnet> carve(String block, List<String> zones, Integer... weights) {
        return SubnetCarver.carve(Cidr.parse(block), zones, Arrays.asList(weights));
    }

    private static List<String> zones(int count) {
        return IntStream.range(0, count).mapToObj(i -> "zone-" + (char) ('a' + i)).toList();
    }

    @Nested
    class EqualSplit {

        @Test
        void threeZonesInSlash16GetThreeSlash18sAndLeaveOneFree() {
            List<CarvedSubnet> subnets = SubnetCarver.carve(POD_RANGE, THREE_ZONES, List.of(4, 4, 4));
            assertThat(subnets).containsExactly(
                    new CarvedSubnet("us-east-1a", Cidr.parse("100.64.0.0/18"), 16379),
                    new CarvedSubnet("us-east-1b", Cidr.parse("100.64.64.0/18"), 16379),
                    new CarvedSubnet("us-east-1c", Cidr.parse("100.64.128.0/18"), 16379));
            assertThat(SubnetCarver.unusedAddresses(POD_RANGE, subnets)).isEqualTo(16384);
        }

        @Test
        void fourZonesFillTheBlock() {
            List<CarvedSubnet> subnets = carve("100.64.0.0/16", zones(4), 1, 1, 1, 1);
            assertThat(subnets).extracting(s -> s.cidr().toString()).containsExactly(
                    "100.64.0.0/18", "100.64.64.0/18", "100.64.128.0/18", "100.64.192.0/18");
            assertThat(subnets).extracting(CarvedSubnet::usableAddresses).containsOnly(16379L);
            assertThat(SubnetCarver.unusedAddresses(POD_RANGE, subnets)).isZero();
        }

        @Test
        void oneZoneGetsTheWholeSlash16() {
            assertThat(carve("100.64.0.0/16", List.of("eu-west-1a"), 7)).containsExactly(
                    new CarvedSubnet("eu-west-1a", POD_RANGE, 65531));
        }

        @Test
        void fiveZonesGetSlash19s() {
            List<CarvedSubnet> subnets = carve("100.64.0.0/16", zones(5), 2, 2, 2, 2, 2);
            assertThat(subnets).extracting(s -> s.cidr().prefixLength()).containsOnly(19);
            assertThat(subnets.get(4).cidr()).hasToString("100.64.128.0/19");
            assertThat(SubnetCarver.unusedAddresses(POD_RANGE, subnets)).isEqualTo(3 * 8192);
        }

        @Test
        void subnetsNeverExceedSlash16EvenInALargerBlock() {
            assertThat(carve("10.0.0.0/8", zones(3), 1, 1, 1)).extracting(s -> s.cidr().toString())
                    .containsExactly("10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16");
        }

        @Test
        void smallBlockDownToSlash28() {
            assertThat(carve("100.64.0.0/26", zones(4), 1, 1, 1, 1)).extracting(s -> s.cidr().toString())
                    .containsExactly("100.64.0.0/28", "100.64.0.16/28", "100.64.0.32/28", "100.64.0.48/28");
        }

        @Test
        void zoneWithWeightZeroGetsNoSubnet() {
            List<CarvedSubnet> subnets = carve("100.64.0.0/16", THREE_ZONES, 5, 0, 5);
            assertThat(subnets).extracting(CarvedSubnet::zone, s -> s.cidr().toString()).containsExactly(
                    tuple("us-east-1a", "100.64.0.0/17"), tuple("us-east-1c", "100.64.128.0/17"));
        }
    }

    @Nested
    class WeightedSplit {

        @Test
        void sixThreeThreeSplitsExactly() {
            // Shares of 65536: 32768, 16384, 16384, already powers of two.
            assertThat(carve("100.64.0.0/16", THREE_ZONES, 6, 3, 3)).containsExactly(
                    new CarvedSubnet("us-east-1a", Cidr.parse("100.64.0.0/17"), 32763),
                    new CarvedSubnet("us-east-1b", Cidr.parse("100.64.128.0/18"), 16379),
                    new CarvedSubnet("us-east-1c", Cidr.parse("100.64.192.0/18"), 16379));
        }

        @Test
        void heaviestZoneIsPlacedFirstButReportedInZoneOrder() {
            assertThat(carve("100.64.0.0/16", THREE_ZONES, 3, 6, 3))
                    .extracting(CarvedSubnet::zone, s -> s.cidr().toString()).containsExactly(
                            tuple("us-east-1a", "100.64.128.0/18"),
                            tuple("us-east-1b", "100.64.0.0/17"),
                            tuple("us-east-1c", "100.64.192.0/18"));
        }

        @Test
        void tenOneOneGrowsTheLightZonesIntoTheSpareRoom() {
            // Shares 54613, 5461, 5461 round down to 32768, 4096, 4096 (40960 of 65536).
            // The /17 cannot double; b and c double in turn: 8192 each, then 16384 each, which fills the block.
            List<CarvedSubnet> subnets = carve("100.64.0.0/16", THREE_ZONES, 10, 1, 1);
            assertThat(subnets).extracting(s -> s.cidr().toString())
                    .containsExactly("100.64.0.0/17", "100.64.128.0/18", "100.64.192.0/18");
            assertThat(SubnetCarver.unusedAddresses(POD_RANGE, subnets)).isZero();
        }

        @Test
        void unevenWeightsOverFourZones() {
            // Shares 26214, 19660, 13107, 6553 round down to 16384, 16384, 8192, 4096 (45056).
            // Round 1: a to 32768 (61440), b cannot, c cannot, d to 8192 (65536).
            assertThat(carve("100.64.0.0/16", zones(4), 4, 3, 2, 1)).extracting(s -> s.cidr().toString())
                    .containsExactly("100.64.0.0/17", "100.64.128.0/18", "100.64.192.0/19", "100.64.224.0/19");
        }

        @Test
        void zonesRaisedToSlash28TakeRoomFromTheLargest() {
            // Shares of 64: 49, 4, 4, 4 give 32, 16, 16, 16 = 80 > 64, so the /27 is halved.
            assertThat(carve("100.64.0.0/26", zones(4), 10, 1, 1, 1)).extracting(s -> s.cidr().prefixLength())
                    .containsOnly(28);
        }

        @Test
        void weightZeroZoneIsLeftOut() {
            assertThat(carve("100.64.0.0/16", THREE_ZONES, 6, 0, 3)).extracting(CarvedSubnet::zone)
                    .containsExactly("us-east-1a", "us-east-1c");
        }
    }

    @Nested
    class Refusals {

        private static void refused(Runnable carve, String... fragments) {
            assertThatThrownBy(carve::run).isInstanceOf(InvalidInputException.class).hasMessageContainingAll(fragments);
        }

        @Test
        void emptyZoneList() {
            refused(() -> SubnetCarver.carve(POD_RANGE, List.of(), List.of()), "no availability zones");
        }

        @Test
        void duplicateZone() {
            refused(() -> carve("100.64.0.0/16", List.of("a", "b", "a"), 1, 1, 1), "\"a\"", "twice");
        }

        @Test
        void blankZone() {
            refused(() -> carve("100.64.0.0/16", List.of("a", " "), 1, 1), "zone 2");
        }

        @Test
        void negativeWeight() {
            refused(() -> carve("100.64.0.0/16", THREE_ZONES, 1, -2, 1), "us-east-1b", "-2", "negative");
        }

        @Test
        void missingWeight() {
            refused(() -> carve("100.64.0.0/16", THREE_ZONES, 1, null, 1), "us-east-1b");
        }

        @Test
        void weightCountMismatch() {
            refused(() -> carve("100.64.0.0/16", THREE_ZONES, 1, 1), "3 zones but 2 weights");
        }

        @Test
        void allWeightsZero() {
            refused(() -> carve("100.64.0.0/16", THREE_ZONES, 0, 0, 0), "weight 0");
        }

        @Test
        void ipv6Block() {
            refused(() -> carve("2001:db8::/56", THREE_ZONES, 1, 1, 1), "2001:db8::/56", "IPv6");
        }

        @Test
        void equalSubnetsSmallerThanSlash28() {
            refused(() -> carve("100.64.0.0/26", zones(5), 1, 1, 1, 1, 1), "100.64.0.0/26", "5", "/29", "/28");
        }

        @Test
        void blockSmallerThanSlash28() {
            refused(() -> carve("100.64.0.0/29", zones(1), 1), "100.64.0.0/29", "/29");
        }

        @Test
        void weightedSubnetsThatCannotAllBeSlash28() {
            refused(() -> carve("100.64.0.0/27", zones(3), 5, 1, 1), "100.64.0.0/27", "3 subnets", "48", "32");
        }

        @Test
        void unusedAddressesRejectsSubnetsOutsideOrOverlapping() {
            CarvedSubnet inside = CarvedSubnet.of("a", Cidr.parse("100.64.0.0/17"));
            CarvedSubnet half = CarvedSubnet.of("b", Cidr.parse("100.64.0.0/18"));
            CarvedSubnet outside = CarvedSubnet.of("c", Cidr.parse("100.65.0.0/18"));
            refused(() -> SubnetCarver.unusedAddresses(POD_RANGE, List.of(outside)), "100.65.0.0/18", "outside");
            refused(() -> SubnetCarver.unusedAddresses(POD_RANGE, List.of(inside, half)), "overlap");
        }

        @Test
        void carvedSubnetKeepsUsableConsistent() {
            assertThatThrownBy(() -> new CarvedSubnet("a", POD_RANGE, 65536))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void subnetsStayInsideTheBlockWithoutOverlapForAnyWeights() {
        qt().withExamples(1000).forAll(
                lists().of(integers().between(0, 50)).ofSizeBetween(1, 6),
                integers().between(16, 28),
                integers().between(0, 4095))
                .assuming((weights, prefix, index) -> weights.stream().anyMatch(w -> w > 0))
                .checkAssert((weights, prefix, index) -> {
                    Cidr block = Cidr.parse("100.64.0.0/10").subnet(prefix, index % (1L << (prefix - 10)));
                    List<String> zones = zones(weights.size());
                    long withNodes = weights.stream().filter(w -> w > 0).count();
                    // An equal split rounds the zone count up to a power of two; a weighted one packs /28s.
                    long needed = 16 * (isEqual(weights) ? Long.highestOneBit(2 * withNodes - 1) : withNodes);
                    if (needed > block.sizeV4()) {
                        assertThatThrownBy(() -> SubnetCarver.carve(block, zones, weights))
                                .isInstanceOf(InvalidInputException.class);
                    } else {
                        assertCarving(block, zones, weights, SubnetCarver.carve(block, zones, weights));
                    }
                });
    }

    private static boolean isEqual(List<Integer> weights) {
        return weights.stream().filter(w -> w > 0).distinct().count() == 1;
    }

    private static void assertCarving(Cidr block, List<String> zones, List<Integer> weights,
                                      List<CarvedSubnet> subnets) {
        List<String> expectedZones = new ArrayList<>();
        for (int i = 0; i < zones.size(); i++) {
            if (weights.get(i) > 0) {
                expectedZones.add(zones.get(i));
            }
        }
        assertThat(subnets).extracting(CarvedSubnet::zone).containsExactlyElementsOf(expectedZones);
        long used = 0;
        for (int i = 0; i < subnets.size(); i++) {
            Cidr cidr = subnets.get(i).cidr();
            assertThat(block.contains(cidr)).as("%s inside %s", cidr, block).isTrue();
            assertThat(cidr.prefixLength()).isBetween(16, 28);
            assertThat(subnets.get(i).usableAddresses()).isEqualTo(cidr.sizeV4() - 5);
            for (int j = 0; j < i; j++) {
                assertThat(cidr.overlaps(subnets.get(j).cidr())).as("%s vs %s", cidr, subnets.get(j)).isFalse();
            }
            used += cidr.sizeV4();
        }
        assertThat(SubnetCarver.unusedAddresses(block, subnets)).isEqualTo(block.sizeV4() - used);
        if (isEqual(weights)) {
            assertThat(subnets).extracting(s -> s.cidr().prefixLength()).containsOnly(
                    subnets.getFirst().cidr().prefixLength());
        } else {
            // Spare room is handed out until none is left, since the block is at most a /16.
            assertThat(used).isEqualTo(block.sizeV4());
        }
        for (int i = 0; i < subnets.size(); i++) {
            for (int j = 0; j < subnets.size(); j++) {
                int wi = weights.get(zones.indexOf(subnets.get(i).zone()));
                int wj = weights.get(zones.indexOf(subnets.get(j).zone()));
                if (wi > wj) {
                    assertThat(subnets.get(i).cidr().sizeV4()).isGreaterThanOrEqualTo(subnets.get(j).cidr().sizeV4());
                }
            }
        }
    }
}
