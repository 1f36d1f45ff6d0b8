package dev.podnet.net.aws;

import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * AWS's rules for associating an additional IPv4 CIDR block with a VPC, after the Amazon VPC User Guide
 * ("VPC CIDR blocks", "IPv4 CIDR block association restrictions" and the "IPv4 CIDR blocks per VPC" quota).
 * Checking them before calling AWS lets podnet name every problem at once, where AssociateVpcCidrBlock
 * reports only the first.
 *
 * <p>Not checked, because they need state this class does not see: routes in the VPC's route tables whose
 * destination is the candidate or smaller, and CIDRs of peered VPCs or of VPCs on the same Direct Connect gateway.
 */
public final class SecondaryCidrRules {

    /** AWS's default "IPv4 CIDR blocks per VPC"; the primary block counts toward it. */
    public static final int DEFAULT_BLOCK_QUOTA = 5;

    static final int LARGEST_PREFIX = 16;
    static final int SMALLEST_PREFIX = 28;

    private static final Cidr TEN = Cidr.parse("10.0.0.0/8");
    private static final Cidr ONE_SEVENTY_TWO = Cidr.parse("172.16.0.0/12");
    private static final Cidr ONE_NINETY_TWO = Cidr.parse("192.168.0.0/16");
    private static final List<Cidr> RFC1918 = List.of(TEN, ONE_SEVENTY_TWO, ONE_NINETY_TWO);

    private static final Cidr TEN_SLASH_15 = Cidr.parse("10.0.0.0/15");
    private static final Cidr TEN_SLASH_16 = Cidr.parse("10.0.0.0/16");
    private static final Cidr DEFAULT_VPC_RANGE = Cidr.parse("172.31.0.0/16");
    private static final Cidr SERVICE_RANGE = Cidr.parse("198.19.0.0/16");
    private static final Cidr LINK_LOCAL = Cidr.parse("169.254.0.0/16");

    private static final Map<Cidr, String> RESERVED = new LinkedHashMap<>();

    static {
        RESERVED.put(Cidr.parse("0.0.0.0/8"), "\"this network\"");
        RESERVED.put(Cidr.parse("127.0.0.0/8"), "loopback");
        RESERVED.put(Cidr.parse("224.0.0.0/4"), "multicast");
        RESERVED.put(Cidr.parse("240.0.0.0/4"), "reserved for future use");
    }

    private SecondaryCidrRules() {
    }

    /**
     * Every rule that refuses {@code candidate} as a further IPv4 block of a VPC, or an empty list when AWS
     * would accept it.
     *
     * @param blockQuota the account's "IPv4 CIDR blocks per VPC" quota, primary included
     */
    public static List<CidrRefusal> check(Cidr primary, List<Cidr> existingSecondaries, Cidr candidate,
                                          int blockQuota) {
        validate(primary, existingSecondaries, candidate, blockQuota);
        if (!candidate.isIpv4()) {
            return List.of(new CidrRefusal("ipv4",
                    candidate + " is not an IPv4 block: only IPv4 blocks can be added this way"));
        }
        List<CidrRefusal> refusals = new ArrayList<>();
        checkSize(candidate, refusals);
        checkSpecialRanges(candidate, refusals);
        checkOverlap(primary, existingSecondaries, candidate, refusals);
        int blocks = existingSecondaries.size() + 2;
        if (blocks > blockQuota) {
            refusals.add(new CidrRefusal("quota", candidate + " would be block " + blocks
                    + " of the VPC, primary " + primary + " included, over the quota of " + blockQuota
                    + " IPv4 CIDR blocks per VPC, which AWS raises on request up to 50"));
        }
        checkPrimaryRangeTable(primary, existingSecondaries, candidate, refusals);
        return List.copyOf(refusals);
    }

    private static void validate(Cidr primary, List<Cidr> existing, Cidr candidate, int blockQuota) {
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(existing, "existingSecondaries");
        Objects.requireNonNull(candidate, "candidate");
        if (!primary.isIpv4()) {
            throw new InvalidInputException("primary block " + primary + " is not IPv4: a VPC's primary block is");
        }
        if (primary.prefixLength() < LARGEST_PREFIX || primary.prefixLength() > SMALLEST_PREFIX) {
            throw new InvalidInputException("primary block " + primary + " is not between /16 and /28,"
                    + " so it cannot be a VPC's primary block");
        }
        for (Cidr block : existing) {
            if (!Objects.requireNonNull(block, "existing secondary block").isIpv4()) {
                throw new InvalidInputException("existing block " + block + " is not IPv4: list only the"
                        + " VPC's IPv4 blocks, since the quota and rules here are IPv4 ones");
            }
        }
        if (blockQuota < 1) {
            throw new InvalidInputException("a quota of " + blockQuota + " IPv4 CIDR blocks per VPC is impossible:"
                    + " the primary block alone needs 1");
        }
    }

    private static void checkSize(Cidr candidate, List<CidrRefusal> refusals) {
        int prefix = candidate.prefixLength();
        if (prefix < LARGEST_PREFIX) {
            refusals.add(new CidrRefusal("size", candidate
                    + " is larger than /16: AWS accepts secondary blocks from /16 to /28"));
        } else if (prefix > SMALLEST_PREFIX) {
            refusals.add(new CidrRefusal("size", candidate
                    + " is smaller than /28: AWS accepts secondary blocks from /16 to /28"));
        }
    }

    private static void checkSpecialRanges(Cidr candidate, List<CidrRefusal> refusals) {
        if (candidate.overlaps(LINK_LOCAL)) {
            refusals.add(new CidrRefusal("link-local", candidate + " " + relation(candidate, LINK_LOCAL) + " "
                    + LINK_LOCAL + ", the link-local range, which AWS reserves and never assigns to a VPC"));
        }
        List<String> hit = RESERVED.entrySet().stream()
                .filter(e -> candidate.overlaps(e.getKey()))
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .toList();
        if (!hit.isEmpty()) {
            refusals.add(new CidrRefusal("reserved", candidate + " overlaps " + String.join(" and ", hit)
                    + ", which can never be part of a VPC"));
        }
    }

    private static void checkOverlap(Cidr primary, List<Cidr> existing, Cidr candidate,
                                     List<CidrRefusal> refusals) {
        List<String> clashes = new ArrayList<>();
        if (candidate.overlaps(primary)) {
            clashes.add("the primary block " + primary);
        }
        existing.stream().filter(candidate::overlaps).forEach(b -> clashes.add("the existing block " + b));
        if (!clashes.isEmpty()) {
            refusals.add(new CidrRefusal("overlap", candidate + " overlaps " + String.join(" and ", clashes)
                    + ": the blocks of a VPC must not overlap"));
        }
    }

    /** The association restriction table, whose rows are keyed by the range the primary block lies in. */
    private static void checkPrimaryRangeTable(Cidr primary, List<Cidr> existing, Cidr candidate,
                                               List<CidrRefusal> refusals) {
        Cidr home = RFC1918.stream().filter(r -> r.contains(primary)).findFirst().orElse(null);
        List<Cidr> foreign = RFC1918.stream().filter(r -> r != home && candidate.overlaps(r)).toList();
        if (!foreign.isEmpty()) {
            String ranges = foreign.stream().map(Cidr::toString).collect(Collectors.joining(" and "));
            String verb = foreign.size() == 1 ? relation(candidate, foreign.getFirst()) : "overlaps";
            String why = home != null
                    ? "but the primary block " + primary + " is in " + home
                            + ": AWS does not mix RFC 1918 ranges in one VPC"
                    : "but the primary block " + primary + " is not in RFC 1918 space,"
                            + " so AWS refuses every RFC 1918 block";
            refusals.add(new CidrRefusal("rfc1918-mix", candidate + " " + verb + " RFC 1918 range " + ranges
                    + ", " + why));
        }
        if (home == TEN && candidate.overlaps(TEN_SLASH_16)) {
            // AWS documents this for any block of the VPC, not only the primary one.
            existingAndPrimary(primary, existing).stream().filter(TEN_SLASH_15::overlaps).findFirst()
                    .ifPresent(inside -> refusals.add(new CidrRefusal("10.0.0.0/15-vs-10.0.0.0/16",
                            candidate + " " + relation(candidate, TEN_SLASH_16) + " " + TEN_SLASH_16
                                    + ", which AWS refuses once a block of the VPC (here " + inside + ") lies in "
                                    + TEN_SLASH_15)));
        }
        if (home == ONE_SEVENTY_TWO && candidate.overlaps(DEFAULT_VPC_RANGE)) {
            refusals.add(new CidrRefusal("172.31.0.0/16", candidate + " " + relation(candidate, DEFAULT_VPC_RANGE)
                    + " " + DEFAULT_VPC_RANGE + ", which AWS refuses as an additional block when the primary block "
                    + primary + " is in " + ONE_SEVENTY_TWO));
        }
        if (!SERVICE_RANGE.contains(primary) && candidate.overlaps(SERVICE_RANGE)) {
            refusals.add(new CidrRefusal("198.19.0.0/16", candidate + " " + relation(candidate, SERVICE_RANGE) + " "
                    + SERVICE_RANGE + ", which AWS services use on their side, so AWS refuses it for a VPC whose"
                    + " primary block " + primary + " lies outside it"));
        }
    }

    private static List<Cidr> existingAndPrimary(Cidr primary, List<Cidr> existing) {
        List<Cidr> all = new ArrayList<>(existing.size() + 1);
        all.add(primary);
        all.addAll(existing);
        return all;
    }

    private static String relation(Cidr candidate, Cidr range) {
        return range.contains(candidate) ? "is in" : "overlaps";
    }
}
