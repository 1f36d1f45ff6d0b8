package dev.podnet.net.aws;

import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Splits one IPv4 block (typically a VPC's secondary block for pods, such as 100.64.0.0/16) into one subnet
 * per availability zone.
 *
 * <p>Weights are node counts per zone. When every positive weight is the same, the zones get equal subnets of
 * the largest size that fits them all, and whatever is left over stays free for later. Otherwise each zone first
 * gets a power-of-two share of the block proportional to its weight (rounded down), then zones double their
 * subnets in turn, heaviest first, while the block has room, so that little of it is left unused. A heavier
 * zone never ends up with a smaller subnet than a lighter one.
 *
 * <p>A zone whose weight is 0 gets no subnet and is left out of the result. Subnets never exceed /16 or go
 * below /28, AWS's limits; a block that cannot give every zone at least a /28 is refused.
 */
public final class SubnetCarver {

    private static final long LARGEST = 1L << (32 - SecondaryCidrRules.LARGEST_PREFIX);
    private static final long SMALLEST = 1L << (32 - SecondaryCidrRules.SMALLEST_PREFIX);

    private SubnetCarver() {
    }

    /** One subnet per zone with a positive weight, in the order the zones were given. */
    public static List<CarvedSubnet> carve(Cidr block, List<String> zones, List<Integer> weights) {
        validate(block, zones, weights);
        long[] w = weights.stream().mapToLong(Integer::longValue).toArray();
        long[] sizes = isEqualSplit(w) ? equalSizes(block, w) : weightedSizes(block, w);
        return layOut(block, zones, sizes);
    }

    /** Addresses of {@code block} that no subnet covers; AWS's five reserved addresses per subnet are not counted. */
    public static long unusedAddresses(Cidr block, List<CarvedSubnet> subnets) {
        long used = 0;
        for (int i = 0; i < subnets.size(); i++) {
            Cidr cidr = subnets.get(i).cidr();
            if (!block.contains(cidr)) {
                throw new InvalidInputException("subnet " + cidr + " lies outside " + block);
            }
            for (int j = 0; j < i; j++) {
                if (cidr.overlaps(subnets.get(j).cidr())) {
                    throw new InvalidInputException("subnets " + subnets.get(j).cidr() + " and " + cidr + " overlap");
                }
            }
            used += cidr.sizeV4();
        }
        return block.sizeV4() - used;
    }

    private static void validate(Cidr block, List<String> zones, List<Integer> weights) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(zones, "zones");
        Objects.requireNonNull(weights, "weights");
        if (!block.isIpv4()) {
            throw new InvalidInputException(block + " is IPv6: subnets are carved from IPv4 blocks only");
        }
        if (zones.isEmpty()) {
            throw new InvalidInputException("no availability zones given: at least one is needed");
        }
        if (zones.size() != weights.size()) {
            throw new InvalidInputException(zones.size() + " zones but " + weights.size()
                    + " weights: give one weight per zone");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < zones.size(); i++) {
            String zone = zones.get(i);
            if (zone == null || zone.isBlank()) {
                throw new InvalidInputException("availability zone " + (i + 1) + " has no name");
            }
            if (!seen.add(zone)) {
                throw new InvalidInputException("availability zone \"" + zone + "\" is listed twice");
            }
            Integer weight = weights.get(i);
            if (weight == null) {
                throw new InvalidInputException("zone " + zone + " has no weight");
            }
            if (weight < 0) {
                throw new InvalidInputException("zone " + zone + " has weight " + weight
                        + ": weights are node counts and cannot be negative");
            }
        }
        if (weights.stream().allMatch(x -> x == 0)) {
            throw new InvalidInputException("every zone has weight 0: at least one zone needs nodes to get a subnet");
        }
    }

    private static boolean isEqualSplit(long[] weights) {
        return Arrays.stream(weights).filter(x -> x > 0).distinct().count() == 1;
    }

    private static int zonesWithNodes(long[] weights) {
        return (int) Arrays.stream(weights).filter(x -> x > 0).count();
    }

    private static long[] equalSizes(Cidr block, long[] weights) {
        int count = zonesWithNodes(weights);
        int bitsForCount = 32 - Integer.numberOfLeadingZeros(count - 1);
        int prefix = Math.max(block.prefixLength() + bitsForCount, SecondaryCidrRules.LARGEST_PREFIX);
        if (prefix > SecondaryCidrRules.SMALLEST_PREFIX) {
            throw new InvalidInputException(count == 1
                    ? block + " is a /" + prefix + ", smaller than the /28 AWS allows for a subnet"
                    : block + " cannot hold " + count + " equal subnets: each would be /" + prefix
                            + ", smaller than the /28 AWS allows");
        }
        long size = 1L << (32 - prefix);
        return Arrays.stream(weights).map(x -> x > 0 ? size : 0).toArray();
    }

    private static long[] weightedSizes(Cidr block, long[] weights) {
        long total = block.sizeV4();
        long weightSum = Arrays.stream(weights).sum();
        long[] sizes = new long[weights.length];
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                // At most 2^32 * (2^31 - 1), so the product cannot overflow a long.
                long share = total * weights[i] / weightSum;
                sizes[i] = Math.clamp(Long.highestOneBit(share), SMALLEST, LARGEST);
            }
        }
        List<Integer> heaviestFirst = IntStream.range(0, weights.length).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> weights[i]).reversed()).toList();
        long used = Arrays.stream(sizes).sum();
        // Zones raised to /28 can overfill a small block; take the room back from the largest subnets,
        // lightest zone first so heavier zones keep the larger subnets.
        while (used > total) {
            int victim = -1;
            for (int i : heaviestFirst.reversed()) {
                if (sizes[i] > SMALLEST && (victim < 0 || sizes[i] > sizes[victim])) {
                    victim = i;
                }
            }
            if (victim < 0) {
                long zones = zonesWithNodes(weights);
                throw new InvalidInputException(block + " cannot hold " + zones + " subnets of at least /28: they"
                        + " need " + zones * SMALLEST + " addresses and it has " + total);
            }
            sizes[victim] /= 2;
            used -= sizes[victim];
        }
        // Spare room goes round the zones heaviest first, one doubling per zone per round.
        boolean grew = true;
        while (grew) {
            grew = false;
            for (int i : heaviestFirst) {
                if (sizes[i] > 0 && sizes[i] < LARGEST && used + sizes[i] <= total) {
                    used += sizes[i];
                    sizes[i] *= 2;
                    grew = true;
                }
            }
        }
        return sizes;
    }

    /**
     * Places the largest subnets first: every size is a power of two no larger than the block, so each one then
     * starts on a multiple of its own size and alignment wastes nothing.
     */
    private static List<CarvedSubnet> layOut(Cidr block, List<String> zones, long[] sizes) {
        List<Integer> largestFirst = IntStream.range(0, sizes.length).boxed()
                .filter(i -> sizes[i] > 0)
                .sorted(Comparator.comparingLong((Integer i) -> sizes[i]).reversed())
                .toList();
        Cidr[] cidrs = new Cidr[sizes.length];
        long offset = 0;
        for (int i : largestFirst) {
            int prefix = 32 - Long.numberOfTrailingZeros(sizes[i]);
            cidrs[i] = block.subnet(prefix, offset / sizes[i]);
            offset += sizes[i];
        }
        List<CarvedSubnet> result = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            if (cidrs[i] != null) {
                result.add(CarvedSubnet.of(zones.get(i), cidrs[i]));
            }
        }
        return List.copyOf(result);
    }
}
