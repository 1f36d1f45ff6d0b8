package dev.podnet.net.aws;

import static dev.podnet.net.aws.SecondaryCidrRules.DEFAULT_BLOCK_QUOTA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecondaryCidrRulesTest {

    private static List<CidrRefusal> check(String primary, String candidate, String... existing) {
        List<Cidr> blocks = Arrays.stream(existing).map(Cidr::parse).toList();
        return SecondaryCidrRules.check(Cidr.parse(primary), blocks, Cidr.parse(candidate), DEFAULT_BLOCK_QUOTA);
    }

    private static List<String> rules(String primary, String candidate, String... existing) {
        return check(primary, candidate, existing).stream().map(CidrRefusal::rule).toList();
    }

    @Test
    void defaultQuotaIsAwsDefaultOfFiveBlocks() {
        assertThat(DEFAULT_BLOCK_QUOTA).isEqualTo(5);
    }

    @Test
    void eksPodRangeNextToTenPrimaryIsAllowed() {
        assertThat(check("10.0.0.0/16", "100.64.0.0/16")).isEmpty();
    }

    @Nested
    class GeneralRules {

        @Test
        void ipv6CandidateIsRefusedAlone() {
            assertThat(check("10.0.0.0/16", "2001:db8::/56"))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.rule()).isEqualTo("ipv4");
                        assertThat(r.explanation()).contains("2001:db8::/56");
                    });
        }

        @Test
        void largerThanSlash16IsRefusedWithTheAllowedRange() {
            assertThat(check("10.0.0.0/16", "100.64.0.0/15")).containsExactly(new CidrRefusal("size",
                    "100.64.0.0/15 is larger than /16: AWS accepts secondary blocks from /16 to /28"));
        }

        @Test
        void smallerThanSlash28IsRefused() {
            assertThat(check("10.0.0.0/16", "100.64.0.0/29")).containsExactly(new CidrRefusal("size",
                    "100.64.0.0/29 is smaller than /28: AWS accepts secondary blocks from /16 to /28"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"100.64.0.0/16", "100.64.0.0/28", "10.9.0.0/16", "10.9.0.16/28"})
        void bothEndsOfTheSizeRangeAreAllowed(String candidate) {
            assertThat(check("10.0.0.0/16", candidate)).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"169.254.0.0/16", "169.254.169.0/24", "169.254.255.240/28"})
        void linkLocalIsNeverAllowed(String candidate) {
            assertThat(check("10.0.0.0/16", candidate)).singleElement().satisfies(r -> {
                assertThat(r.rule()).isEqualTo("link-local");
                assertThat(r.explanation()).startsWith(candidate).contains("169.254.0.0/16", "link-local");
            });
        }

        @ParameterizedTest
        @CsvSource({
                "0.0.0.0/16, 0.0.0.0/8",
                "127.0.0.0/16, 127.0.0.0/8",
                "127.255.255.240/28, 127.0.0.0/8",
                "224.0.0.0/16, 224.0.0.0/4",
                "239.255.0.0/24, 224.0.0.0/4",
                "240.0.0.0/16, 240.0.0.0/4",
                "255.255.255.240/28, 240.0.0.0/4",
        })
        void reservedRangesAreNeverAllowed(String candidate, String range) {
            // A public primary, so no table row adds refusals of its own.
            assertThat(check("52.10.0.0/16", candidate)).singleElement().satisfies(r -> {
                assertThat(r.rule()).isEqualTo("reserved");
                assertThat(r.explanation()).startsWith(candidate).contains(range);
            });
        }

        @Test
        void neighboursOfReservedRangesAreAllowed() {
            assertThat(check("52.10.0.0/16", "1.0.0.0/16")).isEmpty();
            assertThat(check("52.10.0.0/16", "126.255.0.0/16")).isEmpty();
            assertThat(check("52.10.0.0/16", "128.0.0.0/16")).isEmpty();
            assertThat(check("52.10.0.0/16", "223.255.255.240/28")).isEmpty();
            assertThat(check("52.10.0.0/16", "169.253.0.0/16")).isEmpty();
        }

        @Test
        void overlapWithPrimaryIsRefusedNamingThePrimary() {
            assertThat(check("10.2.0.0/16", "10.2.128.0/17")).containsExactly(new CidrRefusal("overlap",
                    "10.2.128.0/17 overlaps the primary block 10.2.0.0/16: the blocks of a VPC must not overlap"));
        }

        @Test
        void overlapWithExistingBlockIsRefusedNamingIt() {
            assertThat(check("10.2.0.0/16", "100.64.4.0/24", "100.64.0.0/16", "100.65.0.0/16"))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.rule()).isEqualTo("overlap");
                        assertThat(r.explanation()).contains("100.64.4.0/24", "existing block 100.64.0.0/16")
                                .doesNotContain("100.65.0.0/16").doesNotContain("10.2.0.0/16");
                    });
        }

        @Test
        void identicalBlockOverlaps() {
            assertThat(rules("10.2.0.0/16", "100.64.0.0/16", "100.64.0.0/16")).containsExactly("overlap");
        }

        @Test
        void candidateCoveringSeveralBlocksNamesThemAll() {
            assertThat(check("100.64.0.0/17", "100.64.0.0/16", "100.64.128.0/17")).singleElement()
                    .extracting(CidrRefusal::explanation).asString()
                    .contains("the primary block 100.64.0.0/17 and the existing block 100.64.128.0/17");
        }

        @Test
        void adjacentBlocksDoNotOverlap() {
            assertThat(check("10.2.0.0/16", "10.3.0.0/16")).isEmpty();
        }

        @Test
        void quotaCountsThePrimaryBlock() {
            String[] three = {"100.64.0.0/16", "100.65.0.0/16", "100.66.0.0/16"};
            String[] four = {"100.64.0.0/16", "100.65.0.0/16", "100.66.0.0/16", "100.67.0.0/16"};
            assertThat(check("10.0.0.0/16", "100.68.0.0/16", three)).isEmpty();
            assertThat(check("10.0.0.0/16", "100.68.0.0/16", four)).singleElement().satisfies(r -> {
                assertThat(r.rule()).isEqualTo("quota");
                assertThat(r.explanation()).contains("100.68.0.0/16", "block 6", "10.0.0.0/16", "quota of 5");
            });
        }

        @Test
        void raisedQuotaIsHonoured() {
            List<Cidr> four = List.of(Cidr.parse("100.64.0.0/16"), Cidr.parse("100.65.0.0/16"),
                    Cidr.parse("100.66.0.0/16"), Cidr.parse("100.67.0.0/16"));
            Cidr primary = Cidr.parse("10.0.0.0/16");
            Cidr candidate = Cidr.parse("100.68.0.0/16");
            assertThat(SecondaryCidrRules.check(primary, four, candidate, 6)).isEmpty();
            assertThat(SecondaryCidrRules.check(primary, List.of(), candidate, 1))
                    .extracting(CidrRefusal::rule).containsExactly("quota");
        }
    }

    @Nested
    class PrimaryInTen {

        @ParameterizedTest
        @ValueSource(strings = {"10.5.0.0/16", "10.255.255.240/28", "100.64.0.0/16", "100.127.0.0/16",
                "52.10.0.0/16", "198.18.0.0/16", "198.20.0.0/16", "11.0.0.0/16"})
        void permitted(String candidate) {
            assertThat(check("10.2.0.0/16", candidate)).isEmpty();
        }

        @ParameterizedTest
        @CsvSource({
                "172.16.0.0/16, rfc1918-mix",
                "172.31.255.0/24, rfc1918-mix",
                "192.168.0.0/16, rfc1918-mix",
                "192.168.10.0/24, rfc1918-mix",
                "198.19.0.0/16, 198.19.0.0/16",
                "198.19.128.0/20, 198.19.0.0/16",
        })
        void restricted(String candidate, String rule) {
            assertThat(rules("10.2.0.0/16", candidate)).containsExactly(rule);
        }

        @Test
        void otherRfc1918RangeExplanationNamesBothRanges() {
            assertThat(check("10.2.0.0/16", "192.168.10.0/24")).singleElement()
                    .extracting(CidrRefusal::explanation).asString()
                    .startsWith("192.168.10.0/24 is in RFC 1918 range 192.168.0.0/16")
                    .contains("10.2.0.0/16", "10.0.0.0/8");
        }

        @Test
        void serviceRangeExplanationNamesItAndThePrimary() {
            assertThat(check("10.2.0.0/16", "198.19.128.0/20")).singleElement()
                    .extracting(CidrRefusal::explanation).asString()
                    .startsWith("198.19.128.0/20 is in 198.19.0.0/16").contains("10.2.0.0/16");
        }

        @Test
        void primaryInTenSlash15RefusesTenSlash16() {
            assertThat(check("10.1.0.0/16", "10.0.0.0/16")).containsExactly(new CidrRefusal(
                    "10.0.0.0/15-vs-10.0.0.0/16", "10.0.0.0/16 is in 10.0.0.0/16, which AWS refuses once a block"
                            + " of the VPC (here 10.1.0.0/16) lies in 10.0.0.0/15"));
            assertThat(rules("10.1.0.0/24", "10.0.200.0/28")).containsExactly("10.0.0.0/15-vs-10.0.0.0/16");
        }

        @Test
        void existingBlockInTenSlash15RefusesTenSlash16Too() {
            assertThat(check("10.2.0.0/16", "10.0.4.0/24", "10.1.0.0/16")).singleElement().satisfies(r -> {
                assertThat(r.rule()).isEqualTo("10.0.0.0/15-vs-10.0.0.0/16");
                assertThat(r.explanation()).contains("10.0.4.0/24", "10.1.0.0/16");
            });
        }

        @Test
        void tenSlash16IsFineWhenNothingLiesInTenSlash15() {
            assertThat(check("10.2.0.0/16", "10.0.0.0/16")).isEmpty();
            assertThat(check("10.2.0.0/16", "10.0.0.0/16", "10.3.0.0/16")).isEmpty();
        }

        @Test
        void restOfTenSlash15StaysAllowed() {
            assertThat(check("10.0.0.0/16", "10.1.0.0/16")).isEmpty();
        }
    }

    @Nested
    class PrimaryIn172 {

        @ParameterizedTest
        @ValueSource(strings = {"172.20.0.0/16", "172.30.255.0/24", "100.64.0.0/16", "52.10.0.0/16"})
        void permitted(String candidate) {
            assertThat(check("172.16.0.0/16", candidate)).isEmpty();
        }

        @ParameterizedTest
        @CsvSource({
                "10.0.0.0/16, rfc1918-mix",
                "192.168.0.0/16, rfc1918-mix",
                "172.31.0.0/16, 172.31.0.0/16",
                "172.31.8.0/24, 172.31.0.0/16",
                "198.19.0.0/16, 198.19.0.0/16",
        })
        void restricted(String candidate, String rule) {
            assertThat(rules("172.16.0.0/16", candidate)).containsExactly(rule);
        }

        @Test
        void defaultVpcRangeIsRefusedEvenBesideASmallPrimaryInIt() {
            assertThat(rules("172.31.0.0/24", "172.31.1.0/24")).containsExactly("172.31.0.0/16");
            assertThat(check("172.31.0.0/24", "172.31.1.0/24").getFirst().explanation())
                    .contains("172.31.1.0/24", "172.31.0.0/16", "172.16.0.0/12");
        }

        @Test
        void tenSlash15RuleBelongsToTheTenRowOnly() {
            assertThat(rules("172.16.0.0/16", "10.0.0.0/16")).containsExactly("rfc1918-mix");
        }
    }

    @Nested
    class PrimaryIn192168 {

        @ParameterizedTest
        @ValueSource(strings = {"192.168.16.0/20", "192.168.255.240/28", "100.64.0.0/16", "52.10.0.0/16"})
        void permitted(String candidate) {
            assertThat(check("192.168.0.0/20", candidate)).isEmpty();
        }

        @ParameterizedTest
        @CsvSource({
                "10.0.0.0/16, rfc1918-mix",
                "172.16.0.0/16, rfc1918-mix",
                "172.31.0.0/16, rfc1918-mix",
                "198.19.0.0/16, 198.19.0.0/16",
        })
        void restricted(String candidate, String rule) {
            assertThat(rules("192.168.0.0/20", candidate)).containsExactly(rule);
        }
    }

    @Nested
    class PrimaryIn19819 {

        @ParameterizedTest
        @ValueSource(strings = {"100.64.0.0/16", "52.10.0.0/16", "198.19.16.0/20", "198.18.0.0/16"})
        void permitted(String candidate) {
            assertThat(check("198.19.0.0/20", candidate)).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"10.0.0.0/16", "172.16.0.0/16", "172.31.0.0/16", "192.168.0.0/16"})
        void everyRfc1918BlockIsRestricted(String candidate) {
            assertThat(check("198.19.0.0/20", candidate)).singleElement().satisfies(r -> {
                assertThat(r.rule()).isEqualTo("rfc1918-mix");
                assertThat(r.explanation()).contains(candidate, "198.19.0.0/20", "not in RFC 1918");
            });
        }
    }

    @Nested
    class PrimaryPublicOrSharedAddressSpace {

        @ParameterizedTest
        @CsvSource({
                "52.10.0.0/16, 52.11.0.0/16",
                "52.10.0.0/16, 100.64.0.0/16",
                "100.64.0.0/16, 100.65.0.0/16",
                "100.64.0.0/16, 52.10.0.0/16",
                "100.64.0.0/16, 198.18.0.0/16",
        })
        void permitted(String primary, String candidate) {
            assertThat(check(primary, candidate)).isEmpty();
        }

        @ParameterizedTest
        @CsvSource({
                "52.10.0.0/16, 10.0.0.0/16, rfc1918-mix",
                "52.10.0.0/16, 172.16.0.0/16, rfc1918-mix",
                "52.10.0.0/16, 192.168.0.0/16, rfc1918-mix",
                "52.10.0.0/16, 198.19.0.0/16, 198.19.0.0/16",
                "100.64.0.0/16, 10.0.0.0/16, rfc1918-mix",
                "100.64.0.0/16, 172.20.0.0/16, rfc1918-mix",
                "100.64.0.0/16, 198.19.0.0/24, 198.19.0.0/16",
        })
        void restricted(String primary, String candidate, String rule) {
            assertThat(rules(primary, candidate)).containsExactly(rule);
        }
    }

    @Nested
    class SeveralRefusals {

        @Test
        void everyFailingRuleIsReportedAndNamesTheCandidate() {
            String[] four = {"10.5.0.0/16", "10.6.0.0/16", "10.7.0.0/16", "10.8.0.0/16"};
            List<CidrRefusal> refusals = check("10.0.0.0/16", "10.0.0.0/15", four);
            assertThat(refusals).extracting(CidrRefusal::rule)
                    .containsExactlyInAnyOrder("size", "overlap", "quota", "10.0.0.0/15-vs-10.0.0.0/16");
            assertThat(refusals).allSatisfy(r -> assertThat(r.explanation()).startsWith("10.0.0.0/15 "));
        }

        @Test
        void wideCandidateTripsEveryRangeItTouches() {
            assertThat(rules("10.0.0.0/16", "160.0.0.0/3"))
                    .containsExactlyInAnyOrder("size", "link-local", "rfc1918-mix");
            assertThat(rules("10.0.0.0/16", "128.0.0.0/1"))
                    .containsExactlyInAnyOrder("size", "link-local", "reserved", "rfc1918-mix", "198.19.0.0/16");
        }

        @Test
        void rfc1918RangesTouchedTogetherShareOneRefusal() {
            List<CidrRefusal> refusals = check("52.10.0.0/16", "128.0.0.0/1");
            assertThat(refusals).extracting(CidrRefusal::rule)
                    .containsExactlyInAnyOrder("size", "link-local", "reserved", "rfc1918-mix", "198.19.0.0/16");
            assertThat(refusals).filteredOn(r -> r.rule().equals("rfc1918-mix")).singleElement()
                    .extracting(CidrRefusal::explanation).asString()
                    .contains("172.16.0.0/12 and 192.168.0.0/16");
            assertThat(refusals).filteredOn(r -> r.rule().equals("reserved")).singleElement()
                    .extracting(CidrRefusal::explanation).asString()
                    .contains("224.0.0.0/4 (multicast) and 240.0.0.0/4");
        }
    }

    @Nested
    class InvalidArguments {

        @Test
        void ipv6PrimaryIsRefused() {
            assertThatThrownBy(() -> check("2001:db8::/56", "100.64.0.0/16"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("2001:db8::/56");
        }

        @Test
        void primaryOutsideVpcSizesIsRefused() {
            assertThatThrownBy(() -> check("10.0.0.0/8", "100.64.0.0/16"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("10.0.0.0/8");
        }

        @Test
        void ipv6ExistingBlockIsRefused() {
            assertThatThrownBy(() -> check("10.0.0.0/16", "100.64.0.0/16", "2001:db8::/56"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("2001:db8::/56");
        }

        @Test
        void quotaBelowOneIsRefused() {
            assertThatThrownBy(() -> SecondaryCidrRules.check(Cidr.parse("10.0.0.0/16"), List.of(),
                    Cidr.parse("100.64.0.0/16"), 0))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("quota of 0");
        }
    }
}
