package dev.podnet.planner.artifacts;

import dev.podnet.net.Cidr;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.model.Mode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The /28 prefixes (and, in dual-stack mode, the /80s) each planned node holds, carved in a fixed order: node groups
 * in plan order, then the group's zones, then its nodes in the zone. Every run gives the same answer, so the IP pools
 * and the subnet reservations in the VPC script agree.
 * <p>
 * The first and the last block of each subnet are skipped: AWS reserves the first four and the last address of every
 * subnet, IPv4 and IPv6 alike, so it never hands out the prefixes that hold them.
 */
final class PodPrefixes {
    private static final int IPV4_PREFIX = 28;
    private static final int IPV6_ZONE_BLOCK = 64;
    private static final int IPV6_PREFIX = 80;

    /** One planned node: {@code <group>-<zone>-<n>}, n counting from 0 within the group and zone. */
    record NodeSlot(String name, String group, String zone, List<Cidr> ipv4Prefixes, Optional<Cidr> ipv6Prefix) {
        NodeSlot {
            ipv4Prefixes = List.copyOf(ipv4Prefixes);
        }
    }

    /** Per zone: the subnet the prefixes come from, and how many blocks the nodes took. */
    record ZoneBlocks(Cidr subnet, long ipv4Used, Optional<Cidr> ipv6Block, long ipv6Used) {
    }

    private final List<NodeSlot> slots = new ArrayList<>();
    private final Map<String, ZoneBlocks> zones = new LinkedHashMap<>();

    private PodPrefixes() {
    }

    /** Prefixes come from the pod subnets in dual-stack mode and from the node subnets in prefix mode. */
    static PodPrefixes of(PlanView in) {
        ClusterPlan plan = in.plan();
        if (!plan.mode().usesPrefixes()) {
            throw new IllegalStateException("mode " + plan.mode() + " does not use prefixes");
        }
        boolean dualStack = plan.mode() == Mode.DUAL_STACK;
        PodPrefixes prefixes = new PodPrefixes();
        for (int i = 0; i < plan.zones().size(); i++) {
            ClusterPlan.Zone zone = plan.zones().get(i);
            Cidr subnet = plan.mode().usesPodSubnets() ? in.podSubnet(zone.name()) : zone.nodeSubnet();
            prefixes.zones.put(zone.name(),
                    new ZoneBlocks(subnet, 0, dualStack ? Optional.of(zoneIpv6Block(plan, i)) : Optional.empty(), 0));
        }
        for (ClusterPlan.NodeGroup group : plan.nodeGroups()) {
            int perNode = in.group(group.name()).slotsPerEni().stream().mapToInt(Integer::intValue).sum();
            for (String zone : group.zones()) {
                for (int n = 0; n < group.nodesIn(zone); n++) {
                    prefixes.slots.add(prefixes.take(group.name() + "-" + zone + "-" + n, group.name(), zone, perNode));
                }
            }
        }
        prefixes.zones.forEach(PodPrefixes::checkFits);
        return prefixes;
    }

    /** The zone's IPv6 /64: block {@code index} (the zone's place in the plan) of the VPC's IPv6 block. */
    static Cidr zoneIpv6Block(ClusterPlan plan, int index) {
        Cidr vpcBlock = plan.vpc().ipv6Cidr().orElseThrow(() ->
                new IllegalStateException("cluster " + plan.name() + " needs an IPv6 block for its /80 prefixes"));
        return vpcBlock.subnet(IPV6_ZONE_BLOCK, index);
    }

    List<NodeSlot> slots() {
        return slots;
    }

    /** The subnet the zone's prefixes come from. */
    Cidr subnet(String zone) {
        return zones.get(zone).subnet();
    }

    Optional<Cidr> ipv6Block(String zone) {
        return zones.get(zone).ipv6Block();
    }

    /** The fewest aligned CIDRs covering exactly the zone's carved /28 blocks (then /80s), for reservations. */
    List<Cidr> reservations(String zone) {
        ZoneBlocks blocks = zones.get(zone);
        List<Cidr> out = new ArrayList<>(cover(blocks.subnet(), IPV4_PREFIX, 1, blocks.ipv4Used()));
        blocks.ipv6Block().ifPresent(b -> out.addAll(cover(b, IPV6_PREFIX, 1, blocks.ipv6Used())));
        return out;
    }

    /**
     * Splits blocks {@code first .. first+count-1} (of length /unitPrefix inside {@code block}) into the largest
     * aligned CIDRs: a range of /28s from 1 to 6 is 1, 2-3 (/27), 4-5 (/27), 6.
     */
    static List<Cidr> cover(Cidr block, int unitPrefix, long first, long count) {
        List<Cidr> out = new ArrayList<>();
        long start = first;
        long end = first + count;
        while (start < end) {
            long size = start == 0 ? Long.highestOneBit(end) : Long.lowestOneBit(start);
            while (start + size > end) {
                size >>= 1;
            }
            out.add(block.subnet(unitPrefix - Long.numberOfTrailingZeros(size), start / size));
            start += size;
        }
        return out;
    }

    private NodeSlot take(String name, String group, String zone, int count) {
        ZoneBlocks blocks = zones.get(zone);
        List<Cidr> ipv4 = new ArrayList<>();
        long limit = usableBlocks(blocks.subnet(), IPV4_PREFIX);
        // carve only while the blocks fit; checkFits reports the shortfall once every node is counted
        for (long i = blocks.ipv4Used(); i < blocks.ipv4Used() + count && i < limit; i++) {
            ipv4.add(blocks.subnet().subnet(IPV4_PREFIX, i + 1));
        }
        Optional<Cidr> ipv6 = blocks.ipv6Block().map(b -> b.subnet(IPV6_PREFIX, blocks.ipv6Used() + 1));
        zones.put(zone, new ZoneBlocks(blocks.subnet(), blocks.ipv4Used() + count, blocks.ipv6Block(),
                blocks.ipv6Used() + (ipv6.isPresent() ? 1 : 0)));
        return new NodeSlot(name, group, zone, ipv4, ipv6);
    }

    /** Blocks of /prefix in {@code subnet} once the first and last are left to AWS. */
    private static long usableBlocks(Cidr subnet, int prefix) {
        int bits = prefix - subnet.prefixLength();
        return bits < 0 ? 0 : Math.max(0, (1L << Math.min(bits, 62)) - 2);
    }

    // The planner refuses such plans first; this guard keeps a bad call from writing overlapping pools.
    private static void checkFits(String zone, ZoneBlocks blocks) {
        long usable = usableBlocks(blocks.subnet(), IPV4_PREFIX);
        if (blocks.ipv4Used() > usable) {
            throw new IllegalStateException("subnet " + blocks.subnet() + " in " + zone + " holds " + usable
                    + " /28 prefixes once AWS keeps its first and last, but the planned nodes there need "
                    + blocks.ipv4Used());
        }
        if (blocks.ipv6Block().isPresent() && blocks.ipv6Used() > usableBlocks(blocks.ipv6Block().get(), IPV6_PREFIX)) {
            throw new IllegalStateException("IPv6 block " + blocks.ipv6Block().get() + " in " + zone
                    + " cannot hold a /80 for each of its " + blocks.ipv6Used() + " nodes");
        }
    }
}
