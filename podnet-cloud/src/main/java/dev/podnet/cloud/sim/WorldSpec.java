package dev.podnet.cloud.sim;

import dev.podnet.net.Cidr;
import dev.podnet.net.InstanceCatalogue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The initial state of an emulated region: VPCs, subnets, security groups, running instances and route tables.
 * Checked when built, so that a wrong world fails where it is written and not as an odd EC2 error in the middle of a
 * test. The first security group is the default one, used for ENIs created without groups. A VPC without a declared
 * main route table gets one ({@link RouteTableSpec#mainOf}), as every VPC in EC2 has.
 */
public record WorldSpec(String region, List<VpcSpec> vpcs, List<SubnetSpec> subnets, List<String> securityGroups,
                        List<InstanceSpec> instances, List<RouteTableSpec> routeTables) {

    public WorldSpec {
        Objects.requireNonNull(region, "region");
        vpcs = List.copyOf(vpcs);
        subnets = List.copyOf(subnets);
        securityGroups = List.copyOf(securityGroups);
        instances = List.copyOf(instances);
        validate(region, vpcs, subnets, securityGroups, instances);
        routeTables = withMainTables(vpcs, routeTables);
        validateRouteTables(vpcs, subnets, routeTables);
    }

    /** A world whose VPCs have only their main route tables. */
    public WorldSpec(String region, List<VpcSpec> vpcs, List<SubnetSpec> subnets, List<String> securityGroups,
                     List<InstanceSpec> instances) {
        this(region, vpcs, subnets, securityGroups, instances, List.of());
    }

    /**
     * The region's availability zones: a, b and c (every region has at least three) and any other zone a subnet
     * of the world names.
     */
    public List<String> availabilityZones() {
        java.util.SortedSet<String> zones = new java.util.TreeSet<>(List.of(region + "a", region + "b", region + "c"));
        subnets.forEach(s -> zones.add(s.availabilityZone()));
        return List.copyOf(zones);
    }

    private static List<RouteTableSpec> withMainTables(List<VpcSpec> vpcs, List<RouteTableSpec> declared) {
        List<RouteTableSpec> all = new ArrayList<>(declared);
        for (VpcSpec vpc : vpcs) {
            if (declared.stream().noneMatch(t -> t.vpcId().equals(vpc.id()) && t.main())) {
                all.add(RouteTableSpec.mainOf(vpc.id()));
            }
        }
        return List.copyOf(all);
    }

    private static void validateRouteTables(List<VpcSpec> vpcs, List<SubnetSpec> subnets, List<RouteTableSpec> tables) {
        unique("route table", tables.stream().map(RouteTableSpec::id).toList(), "rtb-");
        Set<String> associated = new HashSet<>();
        for (RouteTableSpec table : tables) {
            String where = "route table " + table.id();
            VpcSpec vpc = vpcs.stream().filter(v -> v.id().equals(table.vpcId())).findFirst().orElseThrow(
                    () -> new IllegalArgumentException(where + ": VPC " + table.vpcId() + " is not in the world"));
            if (table.main() && tables.stream().filter(t -> t.vpcId().equals(vpc.id()) && t.main()).count() > 1) {
                throw new IllegalArgumentException(where + ": VPC " + vpc.id() + " has more than one main route table");
            }
            for (String subnetId : table.subnetIds()) {
                SubnetSpec subnet = subnets.stream().filter(s -> s.id().equals(subnetId)).findFirst().orElseThrow(
                        () -> new IllegalArgumentException(where + ": subnet " + subnetId + " is not in the world"));
                if (!vpcOf(vpcs, subnet).id().equals(vpc.id())) {
                    throw new IllegalArgumentException(where + ": subnet " + subnetId + " is not in VPC " + vpc.id());
                }
                if (!associated.add(subnetId)) {
                    throw new IllegalArgumentException(where + ": subnet " + subnetId
                            + " is associated with more than one route table");
                }
            }
        }
    }

    public Optional<VpcSpec> vpc(String vpcId) {
        return vpcs.stream().filter(v -> v.id().equals(vpcId)).findFirst();
    }

    public Optional<SubnetSpec> subnet(String subnetId) {
        return subnets.stream().filter(s -> s.id().equals(subnetId)).findFirst();
    }

    public Optional<InstanceSpec> instance(String instanceId) {
        return instances.stream().filter(i -> i.id().equals(instanceId)).findFirst();
    }

    /** The VPC a subnet of this world lies in (the one whose IPv4 block contains it). */
    public VpcSpec vpcOf(SubnetSpec subnet) {
        return vpcOf(vpcs, subnet);
    }

    private static VpcSpec vpcOf(List<VpcSpec> vpcs, SubnetSpec subnet) {
        Cidr cidr = Cidr.parse(subnet.cidrBlock());
        return vpcs.stream().filter(v -> v.cidrBlocks().stream().anyMatch(b -> Cidr.parse(b).contains(cidr)))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("subnet " + subnet.id() + " lies in no VPC"));
    }

    /** The default security group: the first one listed. */
    public String defaultSecurityGroup() {
        return securityGroups.getFirst();
    }

    private static void validate(String region, List<VpcSpec> vpcs, List<SubnetSpec> subnets,
                                 List<String> securityGroups, List<InstanceSpec> instances) {
        if (region.isBlank()) {
            throw new IllegalArgumentException("world: region is empty");
        }
        if (vpcs.isEmpty()) {
            throw new IllegalArgumentException("world: no VPC");
        }
        unique("VPC", vpcs.stream().map(VpcSpec::id).toList(), "vpc-");
        unique("subnet", subnets.stream().map(SubnetSpec::id).toList(), "subnet-");
        unique("security group", securityGroups, "sg-");
        unique("instance", instances.stream().map(InstanceSpec::id).toList(), "i-");
        if (securityGroups.isEmpty()) {
            throw new IllegalArgumentException("world: no security group (the first one is the VPC default)");
        }
        for (VpcSpec vpc : vpcs) {
            validateVpc(vpc);
        }
        List<SubnetSpec> seen = new ArrayList<>();
        for (SubnetSpec subnet : subnets) {
            validateSubnet(subnet, vpcs, seen);
            seen.add(subnet);
        }
        Set<String> groups = Set.copyOf(securityGroups);
        InstanceCatalogue catalogue = InstanceCatalogue.bundled();
        for (InstanceSpec instance : instances) {
            String where = "instance " + instance.id();
            if (catalogue.find(instance.instanceType()).isEmpty()) {
                throw new IllegalArgumentException(where + ": instance type \"" + instance.instanceType()
                        + "\" is not in the catalogue");
            }
            if (subnets.stream().noneMatch(s -> s.id().equals(instance.subnetId()))) {
                throw new IllegalArgumentException(where + ": subnet " + instance.subnetId() + " is not in the world");
            }
            for (String group : instance.securityGroups()) {
                if (!groups.contains(group)) {
                    throw new IllegalArgumentException(where + ": security group " + group + " is not in the world");
                }
            }
        }
    }

    private static void unique(String what, List<String> ids, String prefix) {
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (id == null || !id.startsWith(prefix) || id.length() == prefix.length()) {
                throw new IllegalArgumentException("world: " + what + " id \"" + id + "\" does not start with " + prefix);
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException("world: " + what + " id " + id + " appears twice");
            }
        }
    }

    private static void validateVpc(VpcSpec vpc) {
        String where = "VPC " + vpc.id();
        if (vpc.cidrBlocks().isEmpty()) {
            throw new IllegalArgumentException(where + ": no IPv4 CIDR block");
        }
        List<Cidr> blocks = new ArrayList<>();
        for (String text : vpc.cidrBlocks()) {
            Cidr block = parse(where, text, true);
            if (block.prefixLength() < 16 || block.prefixLength() > 28) {
                throw new IllegalArgumentException(where + ": CIDR block " + text + " must be between /16 and /28");
            }
            for (Cidr other : blocks) {
                if (other.overlaps(block)) {
                    throw new IllegalArgumentException(where + ": CIDR block " + text + " overlaps " + other);
                }
            }
            blocks.add(block);
        }
        vpc.ipv6CidrBlock().ifPresent(text -> parse(where, text, false));
    }

    private static void validateSubnet(SubnetSpec subnet, List<VpcSpec> vpcs, List<SubnetSpec> earlier) {
        String where = "subnet " + subnet.id();
        if (subnet.availabilityZone().isBlank()) {
            throw new IllegalArgumentException(where + ": availability zone is empty");
        }
        Cidr cidr = parse(where, subnet.cidrBlock(), true);
        if (cidr.prefixLength() < 16 || cidr.prefixLength() > 28) {
            throw new IllegalArgumentException(where + ": CIDR block " + cidr + " must be between /16 and /28, as EC2 requires");
        }
        List<VpcSpec> containing = vpcs.stream()
                .filter(v -> v.cidrBlocks().stream().anyMatch(b -> Cidr.parse(b).contains(cidr))).toList();
        if (containing.isEmpty()) {
            throw new IllegalArgumentException(where + ": " + cidr + " lies inside no VPC CIDR block");
        }
        if (containing.size() > 1) {
            throw new IllegalArgumentException(where + ": " + cidr + " lies inside more than one VPC, which is ambiguous");
        }
        VpcSpec vpc = containing.getFirst();
        Optional<Cidr> v6 = subnet.ipv6CidrBlock().map(text -> parse(where, text, false));
        if (v6.isPresent()) {
            if (v6.get().prefixLength() != 64) {
                throw new IllegalArgumentException(where + ": IPv6 CIDR block " + v6.get() + " must be a /64, as EC2 requires");
            }
            Optional<Cidr> vpc6 = vpc.ipv6CidrBlock().map(Cidr::parse);
            if (vpc6.isEmpty() || !vpc6.get().contains(v6.get())) {
                throw new IllegalArgumentException(where + ": IPv6 CIDR block " + v6.get() + " lies outside VPC "
                        + vpc.id() + "'s IPv6 block " + vpc.ipv6CidrBlock().orElse("(none)"));
            }
        }
        for (SubnetSpec other : earlier) {
            if (Cidr.parse(other.cidrBlock()).overlaps(cidr)) {
                throw new IllegalArgumentException(where + ": " + cidr + " overlaps subnet " + other.id() + " ("
                        + other.cidrBlock() + ")");
            }
            if (v6.isPresent() && other.ipv6CidrBlock().map(Cidr::parse).filter(o -> o.overlaps(v6.get())).isPresent()) {
                throw new IllegalArgumentException(where + ": " + v6.get() + " overlaps subnet " + other.id() + " ("
                        + other.ipv6CidrBlock().get() + ")");
            }
        }
    }

    private static Cidr parse(String where, String text, boolean ipv4) {
        Cidr cidr;
        try {
            cidr = Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        if (cidr.isIpv4() != ipv4) {
            throw new IllegalArgumentException(where + ": " + text + " is not an " + (ipv4 ? "IPv4" : "IPv6") + " CIDR block");
        }
        return cidr;
    }
}
