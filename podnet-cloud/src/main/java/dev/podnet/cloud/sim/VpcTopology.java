package dev.podnet.cloud.sim;

import dev.podnet.cloud.sim.VpcResources.CidrAssociation;
import dev.podnet.cloud.sim.VpcResources.Route;
import dev.podnet.cloud.sim.VpcResources.RouteTable;
import dev.podnet.cloud.sim.VpcResources.RouteTableAssociation;
import dev.podnet.cloud.sim.VpcResources.Vpc;
import dev.podnet.net.Cidr;
import dev.podnet.net.aws.CidrRefusal;
import dev.podnet.net.aws.SecondaryCidrRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The VPCs' address plan: CIDR block associations, subnets created and deleted, route tables and their associations,
 * DNS attributes. Not thread-safe: {@link VpcEmulator} calls it under the state's lock. Every method checks
 * everything before it changes anything.
 */
final class VpcTopology {

    static final class VpcEntry {
        final String id;
        final List<CidrAssociation> blocks = new ArrayList<>();
        final Optional<String> ipv6;
        final Map<String, String> tags = new LinkedHashMap<>();
        boolean dnsSupport = true;
        boolean dnsHostnames = false;

        VpcEntry(String id, Optional<String> ipv6) {
            this.id = id;
            this.ipv6 = ipv6;
        }

        List<Cidr> cidrs() {
            return blocks.stream().map(b -> Cidr.parse(b.cidrBlock())).toList();
        }
    }

    static final class TableEntry {
        final String id;
        final String vpcId;
        final Optional<String> mainAssociation;
        /** subnet id -> association id, in association order. */
        final Map<String, String> subnets = new LinkedHashMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();

        TableEntry(String id, String vpcId, Optional<String> mainAssociation) {
            this.id = id;
            this.vpcId = vpcId;
            this.mainAssociation = mainAssociation;
        }
    }

    private final WorldSpec spec;
    private final VpcState state;
    final Map<String, VpcEntry> vpcs = new LinkedHashMap<>();
    final Map<String, TableEntry> tables = new LinkedHashMap<>();
    /** Gateway endpoints' routes: route table id -> (endpoint id -> prefix list id). Kept by VpcServices. */
    final Map<String, Map<String, String>> gatewayRoutes = new LinkedHashMap<>();

    VpcTopology(WorldSpec spec, VpcState state) {
        this.spec = spec;
        this.state = state;
        for (VpcSpec v : spec.vpcs()) {
            VpcEntry entry = new VpcEntry(v.id(), v.ipv6CidrBlock());
            for (int i = 0; i < v.cidrBlocks().size(); i++) {
                // Stable per world, so that a test can name the association of a block the world declares.
                String association = "vpc-cidr-assoc-" + v.id().replaceFirst("^vpc-", "") + Integer.toHexString(i);
                entry.blocks.add(new CidrAssociation(association, v.cidrBlocks().get(i), "associated"));
            }
            vpcs.put(v.id(), entry);
        }
        for (RouteTableSpec t : spec.routeTables()) {
            TableEntry table = new TableEntry(t.id(), t.vpcId(),
                    t.main() ? Optional.of(associationId()) : Optional.empty());
            t.subnetIds().forEach(s -> table.subnets.put(s, associationId()));
            tables.put(t.id(), table);
        }
    }

    VpcEntry vpc(String vpcId) {
        VpcEntry vpc = vpcId == null ? null : vpcs.get(vpcId);
        if (vpc == null) {
            throw Errors.vpcNotFound(vpcId);
        }
        return vpc;
    }

    List<Vpc> describeVpcs(List<String> vpcIds) {
        vpcIds.forEach(this::vpc);
        return vpcs.values().stream().filter(v -> vpcIds.isEmpty() || vpcIds.contains(v.id)).map(this::view).toList();
    }

    private Vpc view(VpcEntry v) {
        return new Vpc(v.id, v.blocks, v.ipv6, v.dnsSupport, v.dnsHostnames, v.tags);
    }

    /**
     * AssociateVpcCidrBlock with AWS's rules for further IPv4 blocks (the same code as {@code podnet cidr check}).
     * EC2 answers with the block "associating"; the emulator's blocks are usable at once, so Describe shows them
     * "associated" straight away.
     */
    VpcResources.VpcCidrChange associateCidr(String vpcId, String cidrText) {
        VpcEntry vpc = vpc(vpcId);
        if (cidrText == null) {
            throw Errors.missing("CidrBlock");
        }
        Cidr candidate = parseIpv4(cidrText, "cidrBlock");
        List<Cidr> blocks = vpc.cidrs();
        List<CidrRefusal> refusals = SecondaryCidrRules.check(blocks.getFirst(), blocks.subList(1, blocks.size()),
                candidate, SecondaryCidrRules.DEFAULT_BLOCK_QUOTA);
        // EC2 reports one problem; pick the one it checks first: size, then overlap, then the quota, then ranges.
        for (String rule : List.of("size", "overlap", "quota")) {
            for (CidrRefusal r : refusals) {
                if (r.rule().equals(rule)) {
                    throw switch (rule) {
                        case "size" -> Errors.code("InvalidVpc.Range", "The CIDR '" + cidrText + "' is invalid.");
                        case "overlap" -> Errors.code("CidrConflict", "The CIDR '" + cidrText
                                + "' conflicts with another CIDR block associated with VPC " + vpcId + ".");
                        default -> Errors.code("CidrLimitExceeded", "This network '" + vpcId
                                + "' has met its maximum number of allowed CIDRs: " + SecondaryCidrRules.DEFAULT_BLOCK_QUOTA);
                    };
                }
            }
        }
        if (!refusals.isEmpty()) {
            throw Errors.code("InvalidVpc.Range", "The CIDR '" + cidrText + "' is restricted. Use a CIDR from the same"
                    + " private address range as the current VPC CIDR, or use a publicly-routable CIDR. ("
                    + refusals.getFirst().explanation() + ")");
        }
        String id = state.ids().next("vpc-cidr-assoc-", this::associationTaken);
        vpc.blocks.add(new CidrAssociation(id, candidate.toString(), "associated"));
        return new VpcResources.VpcCidrChange(vpcId, new CidrAssociation(id, candidate.toString(), "associating"));
    }

    /** DisassociateVpcCidrBlock: never the primary block, never a block a subnet lies in. */
    VpcResources.VpcCidrChange disassociateCidr(String associationId) {
        if (associationId == null) {
            throw Errors.missing("AssociationId");
        }
        for (VpcEntry vpc : vpcs.values()) {
            for (int i = 0; i < vpc.blocks.size(); i++) {
                CidrAssociation block = vpc.blocks.get(i);
                if (!block.associationId().equals(associationId)) {
                    continue;
                }
                if (i == 0) {
                    throw Errors.code("OperationNotPermitted", "The vpc CIDR block with association ID "
                            + associationId + " may not be disassociated. It is the primary IPv4 CIDR block of the VPC");
                }
                Cidr cidr = Cidr.parse(block.cidrBlock());
                for (SubnetPool subnet : state.subnetPools().values()) {
                    if (subnet.vpcId().equals(vpc.id) && cidr.contains(Cidr.parse(subnet.cidrBlock()))) {
                        throw Errors.code("InvalidCidrBlock.InUse", "The vpc " + vpc.id + " currently has a subnet "
                                + subnet.id() + " within CIDR block " + block.cidrBlock());
                    }
                }
                vpc.blocks.remove(i);
                return new VpcResources.VpcCidrChange(vpc.id,
                        new CidrAssociation(associationId, block.cidrBlock(), "disassociating"));
            }
        }
        throw Errors.code("InvalidVpcCidrBlockAssociationID.NotFound",
                "The vpc CIDR block association ID '" + associationId + "' does not exist");
    }

    /** CreateSubnet: inside an associated block of the VPC, overlapping no other subnet, in one of the region's zones. */
    SubnetPool createSubnet(String vpcId, String availabilityZone, String cidrText, Map<String, String> tags) {
        VpcEntry vpc = vpc(vpcId);
        if (cidrText == null) {
            throw Errors.missing("CidrBlock");
        }
        Cidr cidr = parseIpv4(cidrText, "cidrBlock");
        if (availabilityZone == null) {
            // EC2 picks a zone; the emulator picks the first, which keeps runs repeatable.
            availabilityZone = spec.availabilityZones().getFirst();
        }
        if (!spec.availabilityZones().contains(availabilityZone)) {
            throw Errors.invalid("Value (" + availabilityZone + ") for parameter availabilityZone is invalid. Subnets"
                    + " can currently only be created in the following availability zones: "
                    + String.join(", ", spec.availabilityZones()) + ".");
        }
        if (cidr.prefixLength() < 16 || cidr.prefixLength() > 28
                || vpc.cidrs().stream().noneMatch(b -> b.contains(cidr))) {
            throw Errors.code("InvalidSubnet.Range", "The CIDR '" + cidrText + "' is invalid.");
        }
        for (SubnetPool other : state.subnetPools().values()) {
            if (other.vpcId().equals(vpcId) && Cidr.parse(other.cidrBlock()).overlaps(cidr)) {
                throw Errors.code("InvalidSubnet.Conflict", "The CIDR '" + cidrText + "' conflicts with another subnet");
            }
        }
        String id = state.ids().next("subnet-", state.subnetPools()::containsKey);
        SubnetPool subnet = new SubnetPool(new SubnetSpec(id, availabilityZone, cidr.toString(), Optional.empty(), tags),
                vpcId);
        state.subnetPools().put(id, subnet);
        return subnet;
    }

    /** DeleteSubnet: refused while ENIs (an interface endpoint's too) live in it; its route table association goes. */
    void deleteSubnet(String subnetId, boolean endpointsInIt) {
        SubnetPool subnet = state.subnet(subnetId);
        if (state.hasEnisIn(subnetId) || endpointsInIt) {
            throw Errors.code("DependencyViolation", "The subnet '" + subnetId + "' has dependencies and cannot be deleted.");
        }
        tables.values().forEach(t -> t.subnets.remove(subnet.id()));
        state.subnetPools().remove(subnetId);
    }

    TableEntry table(String routeTableId) {
        TableEntry table = routeTableId == null ? null : tables.get(routeTableId);
        if (table == null) {
            throw Errors.code("InvalidRouteTableID.NotFound", "The routeTable ID '" + routeTableId + "' does not exist");
        }
        return table;
    }

    List<RouteTable> describeRouteTables(List<String> ids) {
        ids.forEach(this::table);
        return tables.values().stream().filter(t -> ids.isEmpty() || ids.contains(t.id)).map(this::view).toList();
    }

    private RouteTable view(TableEntry t) {
        List<RouteTableAssociation> associations = new ArrayList<>();
        t.mainAssociation.ifPresent(a -> associations.add(new RouteTableAssociation(a, t.id, Optional.empty(), true)));
        t.subnets.forEach((subnet, a) -> associations.add(new RouteTableAssociation(a, t.id, Optional.of(subnet), false)));
        List<Route> routes = new ArrayList<>();
        vpcs.get(t.vpcId).blocks.forEach(b -> routes.add(
                new Route(Optional.of(b.cidrBlock()), Optional.empty(), "local", "CreateRouteTable")));
        gatewayRoutes.getOrDefault(t.id, Map.of()).forEach((endpoint, prefixList) -> routes.add(
                new Route(Optional.empty(), Optional.of(prefixList), endpoint, "CreateRoute")));
        return new RouteTable(t.id, t.vpcId, associations, routes, t.tags);
    }

    /** AssociateRouteTable: same VPC, and a subnet has at most one explicit association. */
    String associateRouteTable(String routeTableId, String subnetId) {
        TableEntry table = table(routeTableId);
        SubnetPool subnet = state.subnet(subnetId);
        if (!subnet.vpcId().equals(table.vpcId)) {
            throw Errors.invalid("Route table " + routeTableId + " and subnet " + subnetId + " belong to different networks");
        }
        for (TableEntry other : tables.values()) {
            String existing = other.subnets.get(subnetId);
            if (existing != null) {
                throw Errors.code("Resource.AlreadyAssociated", "the specified association for route table "
                        + routeTableId + " conflicts with an existing association " + existing);
            }
        }
        String id = associationId();
        table.subnets.put(subnetId, id);
        return id;
    }

    void modifyVpcAttribute(String vpcId, Optional<Boolean> dnsSupport, Optional<Boolean> dnsHostnames) {
        VpcEntry vpc = vpc(vpcId);
        if (dnsSupport.isPresent() == dnsHostnames.isPresent()) {
            throw Errors.invalid("Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames");
        }
        dnsSupport.ifPresent(v -> vpc.dnsSupport = v);
        dnsHostnames.ifPresent(v -> vpc.dnsHostnames = v);
    }

    private String associationId() {
        return state.ids().next("rtbassoc-", id -> tables.values().stream()
                .anyMatch(t -> t.subnets.containsValue(id) || t.mainAssociation.filter(id::equals).isPresent()));
    }

    private boolean associationTaken(String id) {
        return vpcs.values().stream().anyMatch(v -> v.blocks.stream().anyMatch(b -> b.associationId().equals(id)));
    }

    static Cidr parseIpv4(String text, String parameter) {
        Cidr cidr;
        try {
            cidr = Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw Errors.invalid("Value (" + text + ") for parameter " + parameter + " is invalid. This is not a valid CIDR block.");
        }
        if (!cidr.isIpv4()) {
            throw Errors.invalid("Value (" + text + ") for parameter " + parameter + " is invalid. This is not a valid CIDR block.");
        }
        return cidr;
    }
}
