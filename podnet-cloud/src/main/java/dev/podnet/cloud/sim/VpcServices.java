package dev.podnet.cloud.sim;

import dev.podnet.cloud.sim.VpcResources.CidrReservation;
import dev.podnet.cloud.sim.VpcResources.NewVpcEndpoint;
import dev.podnet.cloud.sim.VpcResources.SecurityGroup;
import dev.podnet.cloud.sim.VpcResources.VpcEndpoint;
import dev.podnet.net.Cidr;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Security groups, VPC endpoints and subnet CIDR reservations of the emulated VPCs. Not thread-safe:
 * {@link VpcEmulator} calls it under the state's lock; every method checks everything before it changes anything.
 */
final class VpcServices {

    /** The services that have gateway endpoints; every other service has interface endpoints only. */
    private static final Set<String> GATEWAY_SERVICES = Set.of("s3", "dynamodb");

    record GroupEntry(String id, String name, String description, String vpcId, Map<String, String> tags) {
    }

    record ReservationEntry(String id, String subnetId, String cidr, String type, String description,
                            Map<String, String> tags) {
    }

    record EndpointEntry(VpcEndpoint fixed, Map<String, String> tags) {
    }

    private final WorldSpec spec;
    private final VpcState state;
    private final VpcTopology topology;
    private final Pattern serviceName;
    final Map<String, GroupEntry> groups = new LinkedHashMap<>();
    final Map<String, ReservationEntry> reservations = new LinkedHashMap<>();
    final Map<String, EndpointEntry> endpoints = new LinkedHashMap<>();

    VpcServices(WorldSpec spec, VpcState state, VpcTopology topology) {
        this.spec = spec;
        this.state = state;
        this.topology = topology;
        this.serviceName = Pattern.compile("com\\.amazonaws\\." + Pattern.quote(spec.region()) + "\\.([a-z0-9.-]+)");
        // The world's groups belong to its first VPC; the first is that VPC's default group.
        String vpcId = spec.vpcs().getFirst().id();
        for (String id : spec.securityGroups()) {
            boolean first = groups.isEmpty();
            groups.put(id, new GroupEntry(id, first ? "default" : id, first ? "default VPC security group" : id, vpcId,
                    new LinkedHashMap<>()));
        }
    }

    List<SecurityGroup> describeSecurityGroups(List<String> ids, List<String> names) {
        for (String id : ids) {
            group(id);
        }
        for (String name : names) {
            if (groups.values().stream().noneMatch(g -> g.name().equals(name))) {
                throw Errors.code("InvalidGroup.NotFound", "The security group '" + name + "' does not exist");
            }
        }
        return groups.values().stream()
                .filter(g -> ids.isEmpty() || ids.contains(g.id()))
                .filter(g -> names.isEmpty() || names.contains(g.name()))
                .map(g -> new SecurityGroup(g.id(), g.name(), g.description(), g.vpcId(), g.tags())).toList();
    }

    GroupEntry group(String id) {
        GroupEntry group = id == null ? null : groups.get(id);
        if (group == null) {
            throw Errors.code("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
        }
        return group;
    }

    /**
     * CreateSubnetCidrReservation: the range lies in the subnet and overlaps no other reservation of it. A "prefix"
     * reservation is where the subnet's /28 prefixes come from from then on; an "explicit" one is left alone.
     */
    CidrReservation reserve(String subnetId, String cidrText, String type, String description, Map<String, String> tags) {
        SubnetPool subnet = state.subnet(subnetId);
        if (cidrText == null) {
            throw Errors.missing("Cidr");
        }
        if (type == null) {
            throw Errors.missing("ReservationType");
        }
        if (!type.equals("prefix") && !type.equals("explicit")) {
            throw Errors.invalid("Value (" + type + ") for parameter reservationType is invalid. Valid values are prefix and explicit.");
        }
        Cidr cidr = VpcTopology.parseIpv4(cidrText, "cidr");
        Cidr subnetCidr = Cidr.parse(subnet.cidrBlock());
        if (!subnetCidr.contains(cidr)) {
            throw Errors.invalid("The CIDR " + cidrText + " is not within the subnet " + subnetId + " (" + subnetCidr + ").");
        }
        for (ReservationEntry other : reservations.values()) {
            if (other.subnetId().equals(subnetId) && Cidr.parse(other.cidr()).overlaps(cidr)) {
                throw Errors.invalid("The CIDR " + cidrText + " overlaps the subnet CIDR reservation " + other.id()
                        + " (" + other.cidr() + ").");
            }
        }
        long first = Ipv4.parse(cidr.firstAddress()).orElseThrow();
        int from = subnet.offsetOf(first).orElseThrow();
        subnet.reserve(from, from + (int) cidr.sizeV4(), type.equals("prefix"));
        String id = state.ids().next("scr-", reservations::containsKey);
        ReservationEntry entry = new ReservationEntry(id, subnetId, cidr.toString(), type,
                description == null ? "" : description, new LinkedHashMap<>(tags));
        reservations.put(id, entry);
        return view(entry);
    }

    List<CidrReservation> reservations(String subnetId) {
        state.subnet(subnetId);
        return reservations.values().stream().filter(r -> r.subnetId().equals(subnetId)).map(VpcServices::view).toList();
    }

    private static CidrReservation view(ReservationEntry r) {
        return new CidrReservation(r.id(), r.subnetId(), r.cidr(), r.type(), r.description(), r.tags());
    }

    /**
     * CreateVpcEndpoint. Interface endpoints take at most one subnet per zone and security groups of the VPC; private
     * DNS needs the VPC's DNS support and DNS host names, and only one endpoint per service may claim the name.
     * Gateway endpoints exist for S3 and DynamoDB and add a route to each route table they name. The requester-managed
     * ENIs of interface endpoints are not emulated.
     */
    VpcEndpoint createEndpoint(NewVpcEndpoint request) {
        VpcTopology.VpcEntry vpc = topology.vpc(request.vpcId());
        if (request.serviceName() == null) {
            throw Errors.missing("ServiceName");
        }
        var matcher = serviceName.matcher(request.serviceName());
        if (!matcher.matches()) {
            throw Errors.code("InvalidServiceName", "The Vpc Endpoint Service '" + request.serviceName()
                    + "' does not exist");
        }
        boolean gatewayService = GATEWAY_SERVICES.contains(matcher.group(1));
        String type = request.type();
        boolean gateway = type.equals("Gateway");
        if (!gateway && !type.equals("Interface")) {
            throw Errors.invalid("Value (" + type + ") for parameter vpcEndpointType is invalid; vpcsim serves Interface and Gateway");
        }
        if (gateway && !gatewayService) {
            throw Errors.code("InvalidParameter", "The Vpc Endpoint Service '" + request.serviceName()
                    + "' does not support the Gateway endpoint type");
        }
        boolean privateDns = request.privateDnsEnabled().orElse(!gateway);
        if (gateway) {
            if (!request.subnetIds().isEmpty() || !request.securityGroupIds().isEmpty() || privateDns) {
                throw Errors.code("InvalidParameter", "Gateway endpoints take route tables, not subnets, security groups or private DNS");
            }
            for (String tableId : request.routeTableIds()) {
                if (!topology.table(tableId).vpcId.equals(vpc.id)) {
                    throw Errors.invalid("Route table " + tableId + " is not in VPC " + vpc.id);
                }
            }
        } else {
            if (!request.routeTableIds().isEmpty()) {
                throw Errors.code("InvalidParameter", "Interface endpoints take subnets, not route tables");
            }
            Set<String> zones = new HashSet<>();
            for (String subnetId : request.subnetIds()) {
                SubnetPool subnet = state.subnet(subnetId);
                if (!subnet.vpcId().equals(vpc.id)) {
                    throw Errors.invalid("Subnet " + subnetId + " is not in VPC " + vpc.id);
                }
                if (!zones.add(subnet.availabilityZone())) {
                    throw Errors.code("DuplicateSubnetsInSameZone", "Found another VPC endpoint subnet in the"
                            + " availability zone of " + subnetId + ". VPC endpoint subnets should be in different"
                            + " availability zones supported by the VPC endpoint service.");
                }
            }
            request.securityGroupIds().forEach(this::group);
            if (privateDns && !(vpc.dnsSupport && vpc.dnsHostnames)) {
                throw Errors.code("InvalidParameter", "Enabling private DNS requires both enableDnsSupport and"
                        + " enableDnsHostnames VPC attributes set to true for " + vpc.id);
            }
            if (privateDns && endpoints.values().stream().map(EndpointEntry::fixed).anyMatch(e -> e.vpcId().equals(vpc.id)
                    && e.serviceName().equals(request.serviceName()) && e.privateDnsEnabled())) {
                throw Errors.code("InvalidParameter", "private-dns-enabled cannot be set because there is already a"
                        + " conflicting DNS domain for " + matcher.group(1) + "." + spec.region()
                        + ".amazonaws.com in the VPC " + vpc.id);
            }
        }
        String id = state.ids().next("vpce-", endpoints::containsKey);
        List<String> groupIds = gateway || !request.securityGroupIds().isEmpty() ? request.securityGroupIds()
                : List.of(spec.defaultSecurityGroup());
        VpcEndpoint endpoint = new VpcEndpoint(id, type, vpc.id, request.serviceName(), gateway ? "available" : "pending",
                request.routeTableIds(), request.subnetIds(), groupIds, privateDns, state.now(), Map.of());
        endpoints.put(id, new EndpointEntry(endpoint, new LinkedHashMap<>(request.tags())));
        String prefixList = "pl-" + Integer.toHexString(request.serviceName().hashCode() & 0x7fffffff);
        request.routeTableIds().forEach(t -> topology.gatewayRoutes.computeIfAbsent(t, k -> new LinkedHashMap<>())
                .put(id, prefixList));
        return view(endpoints.get(id), endpoint.state());
    }

    /** Interface endpoints are "pending" in the answer to CreateVpcEndpoint and "available" from then on. */
    List<VpcEndpoint> describeEndpoints(List<String> ids) {
        for (String id : ids) {
            if (id == null || !endpoints.containsKey(id)) {
                throw Errors.code("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '" + id + "' does not exist");
            }
        }
        return endpoints.values().stream().filter(e -> ids.isEmpty() || ids.contains(e.fixed().id()))
                .map(e -> view(e, "available")).toList();
    }

    private static VpcEndpoint view(EndpointEntry e, String state) {
        VpcEndpoint f = e.fixed();
        return new VpcEndpoint(f.id(), f.type(), f.vpcId(), f.serviceName(), state, f.routeTableIds(),
                f.subnetIds(), f.securityGroupIds(), f.privateDnsEnabled(), f.created(), e.tags());
    }

    boolean endpointsIn(String subnetId) {
        return endpoints.values().stream().anyMatch(e -> e.fixed().subnetIds().contains(subnetId));
    }

    Optional<Map<String, String>> tagsOfEndpoint(String id) {
        return Optional.ofNullable(endpoints.get(id)).map(EndpointEntry::tags);
    }
}
