package dev.podnet.cloud.sim;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What the emulator answers about VPC-level resources: immutable snapshots, taken under the emulator's lock. */
public final class VpcResources {
    private VpcResources() {
    }

    /** A VPC with its IPv4 blocks (the first is the primary), its IPv6 block and its DNS attributes. */
    public record Vpc(String id, List<CidrAssociation> cidrBlocks, Optional<String> ipv6CidrBlock,
                      boolean dnsSupport, boolean dnsHostnames, Map<String, String> tags) {
        public Vpc {
            cidrBlocks = List.copyOf(cidrBlocks);
            tags = Map.copyOf(tags);
        }

        public String primaryCidrBlock() {
            return cidrBlocks.getFirst().cidrBlock();
        }
    }

    /** One IPv4 block of a VPC; state is EC2's VpcCidrBlockStateCode ("associating", "associated", ...). */
    public record CidrAssociation(String associationId, String cidrBlock, String state) {
    }

    /** The answer to AssociateVpcCidrBlock and DisassociateVpcCidrBlock. */
    public record VpcCidrChange(String vpcId, CidrAssociation association) {
    }

    public record RouteTable(String id, String vpcId, List<RouteTableAssociation> associations, List<Route> routes,
                             Map<String, String> tags) {
        public RouteTable {
            associations = List.copyOf(associations);
            routes = List.copyOf(routes);
            tags = Map.copyOf(tags);
        }
    }

    /** The main association (no subnet) or an explicit one with a subnet. */
    public record RouteTableAssociation(String id, String routeTableId, Optional<String> subnetId, boolean main) {
    }

    /**
     * A route: "local" to one of the VPC's blocks, or to a gateway endpoint for a service's prefix list.
     * Exactly one of the two destinations is present.
     */
    public record Route(Optional<String> destinationCidrBlock, Optional<String> destinationPrefixListId,
                        String gatewayId, String origin) {
    }

    /** One tag of one resource, as DescribeTags lists them; resourceType is EC2's name ("subnet", "vpc", ...). */
    public record Tag(String resourceId, String resourceType, String key, String value) {
    }

    /** A subnet CIDR reservation; type is "prefix" or "explicit". */
    public record CidrReservation(String id, String subnetId, String cidr, String type, String description,
                                  Map<String, String> tags) {
        public CidrReservation {
            tags = Map.copyOf(tags);
        }
    }

    public record SecurityGroup(String id, String name, String description, String vpcId, Map<String, String> tags) {
        public SecurityGroup {
            tags = Map.copyOf(tags);
        }
    }

    /** A VPC endpoint; type is "Interface" or "Gateway", as EC2 spells them. */
    public record VpcEndpoint(String id, String type, String vpcId, String serviceName, String state,
                              List<String> routeTableIds, List<String> subnetIds, List<String> securityGroupIds,
                              boolean privateDnsEnabled, Instant created, Map<String, String> tags) {
        public VpcEndpoint {
            routeTableIds = List.copyOf(routeTableIds);
            subnetIds = List.copyOf(subnetIds);
            securityGroupIds = List.copyOf(securityGroupIds);
            tags = Map.copyOf(tags);
        }
    }

    /** CreateVpcEndpoint's request; privateDnsEnabled empty means EC2's default (true for Interface endpoints). */
    public record NewVpcEndpoint(String vpcId, String type, String serviceName, List<String> routeTableIds,
                                 List<String> subnetIds, List<String> securityGroupIds,
                                 Optional<Boolean> privateDnsEnabled, Map<String, String> tags) {
        public NewVpcEndpoint {
            Objects.requireNonNull(type, "type");
            routeTableIds = List.copyOf(routeTableIds);
            subnetIds = List.copyOf(subnetIds);
            securityGroupIds = List.copyOf(securityGroupIds);
            Objects.requireNonNull(privateDnsEnabled, "privateDnsEnabled");
            tags = Map.copyOf(tags);
        }
    }
}
