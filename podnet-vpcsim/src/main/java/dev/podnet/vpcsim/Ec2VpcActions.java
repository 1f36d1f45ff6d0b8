package dev.podnet.vpcsim;

import dev.podnet.cloud.Subnet;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.VpcResources.NewVpcEndpoint;
import dev.podnet.cloud.sim.VpcResources.VpcCidrChange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The VPC-level EC2 actions (CIDR blocks, subnets, route tables, tags, CIDR reservations, endpoints, security
 * groups), which only the emulator has: the CloudNetwork SPI is what a node agent needs, and these are what a
 * cluster's setup scripts call. Request names and response elements as in service-2.json.
 */
final class Ec2VpcActions {

    private final VpcEmulator vpcs;

    Ec2VpcActions(VpcEmulator vpcs) {
        this.vpcs = Objects.requireNonNull(vpcs, "vpcs");
    }

    void registerInto(Ec2Actions actions) {
        actions.register("AssociateVpcCidrBlock", this::associateVpcCidrBlock);
        actions.register("DisassociateVpcCidrBlock", this::disassociateVpcCidrBlock);
        actions.register("ModifyVpcAttribute", this::modifyVpcAttribute);
        actions.register("CreateSubnet", this::createSubnet);
        actions.register("DeleteSubnet", this::deleteSubnet);
        actions.register("DescribeRouteTables", this::describeRouteTables);
        actions.register("AssociateRouteTable", this::associateRouteTable);
        actions.register("CreateTags", this::createTags);
        actions.register("DescribeTags", this::describeTags);
        actions.register("CreateSubnetCidrReservation", this::createSubnetCidrReservation);
        actions.register("GetSubnetCidrReservations", this::getSubnetCidrReservations);
        actions.register("CreateVpcEndpoint", this::createVpcEndpoint);
        actions.register("DescribeVpcEndpoints", this::describeVpcEndpoints);
        actions.register("DescribeSecurityGroups", this::describeSecurityGroups);
    }

    private void associateVpcCidrBlock(QueryParams p, XmlWriter out) {
        String vpcId = p.required("VpcId");
        Ec2Actions.unsupported(p, "AmazonProvidedIpv6CidrBlock", "Ipv6CidrBlock", "Ipv6Pool", "Ipv4IpamPoolId",
                "Ipv6IpamPoolId", "Ipv4NetmaskLength", "Ipv6NetmaskLength");
        cidrChange(out, vpcs.associateVpcCidrBlock(vpcId, p.required("CidrBlock")));
    }

    private void disassociateVpcCidrBlock(QueryParams p, XmlWriter out) {
        cidrChange(out, vpcs.disassociateVpcCidrBlock(p.required("AssociationId")));
    }

    private static void cidrChange(XmlWriter out, VpcCidrChange change) {
        Ec2Shapes.cidrAssociation(out, "cidrBlockAssociation", change.association());
        out.element("vpcId", change.vpcId());
    }

    private void modifyVpcAttribute(QueryParams p, XmlWriter out) {
        String vpcId = p.required("VpcId");
        Ec2Actions.unsupported(p, "EnableNetworkAddressUsageMetrics");
        Optional<Boolean> dnsSupport = p.has("EnableDnsSupport")
                ? Optional.of(booleanValue(p, "EnableDnsSupport")) : Optional.empty();
        Optional<Boolean> dnsHostnames = p.has("EnableDnsHostnames")
                ? Optional.of(booleanValue(p, "EnableDnsHostnames")) : Optional.empty();
        vpcs.modifyVpcAttribute(vpcId, dnsSupport, dnsHostnames);
        out.element("return", true);
    }

    /** An AttributeBooleanValue: {@code Name.Value}. */
    private static boolean booleanValue(QueryParams p, String name) {
        p.required(name + ".Value");
        return p.bool(name + ".Value", false);
    }

    private void createSubnet(QueryParams p, XmlWriter out) {
        String vpcId = p.required("VpcId");
        Ec2Actions.unsupported(p, "Ipv6CidrBlock", "Ipv6Native", "OutpostArn", "AvailabilityZoneId", "Ipv4IpamPoolId",
                "Ipv6IpamPoolId", "Ipv4NetmaskLength", "Ipv6NetmaskLength");
        Subnet s = vpcs.createSubnet(vpcId, p.optional("AvailabilityZone").orElse(null), p.required("CidrBlock"),
                Ec2Actions.tags(p, "subnet"));
        out.start("subnet");
        Ec2Shapes.subnetMembers(out, s);
        out.end();
    }

    private void deleteSubnet(QueryParams p, XmlWriter out) {
        vpcs.deleteSubnet(p.required("SubnetId"));
        out.element("return", true);
    }

    private void describeRouteTables(QueryParams p, XmlWriter out) {
        var matches = Ec2VpcShapes.ROUTE_TABLE_FILTERS.predicate(Filter.parse(p, "Filter"));
        out.start("routeTableSet");
        vpcs.describeRouteTables(p.list("RouteTableId")).stream().filter(matches)
                .forEach(t -> Ec2VpcShapes.routeTable(out, t));
        out.end();
    }

    private void associateRouteTable(QueryParams p, XmlWriter out) {
        String routeTableId = p.required("RouteTableId");
        if (p.has("GatewayId") || p.has("PublicIpv4Pool")) {
            throw Ec2Actions.unsupportedValue("GatewayId (edge associations)", "SubnetId");
        }
        out.element("associationId", vpcs.associateRouteTable(routeTableId, p.required("SubnetId")));
        out.start("associationState").element("state", "associated").end();
    }

    private void createTags(QueryParams p, XmlWriter out) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (QueryParams tag : p.group("Tag")) {
            tags.put(tag.required("Key"), tag.optional("Value").orElse(""));
        }
        vpcs.createTags(p.list("ResourceId"), tags);
        out.element("return", true);
    }

    private void describeTags(QueryParams p, XmlWriter out) {
        var matches = Ec2VpcShapes.TAG_FILTERS.predicate(Filter.parse(p, "Filter"));
        out.start("tagSet");
        vpcs.describeTags().stream().filter(matches).forEach(t -> Ec2VpcShapes.tag(out, t));
        out.end();
    }

    private void createSubnetCidrReservation(QueryParams p, XmlWriter out) {
        var reservation = vpcs.createSubnetCidrReservation(p.required("SubnetId"), p.required("Cidr"),
                p.required("ReservationType"), p.optional("Description").orElse(null),
                Ec2Actions.tags(p, "subnet-cidr-reservation"));
        Ec2VpcShapes.reservation(out, "subnetCidrReservation", reservation);
    }

    private void getSubnetCidrReservations(QueryParams p, XmlWriter out) {
        var matches = Ec2VpcShapes.RESERVATION_FILTERS.predicate(Filter.parse(p, "Filter"));
        out.start("subnetIpv4CidrReservationSet");
        vpcs.getSubnetCidrReservations(p.required("SubnetId")).stream().filter(matches)
                .forEach(r -> Ec2VpcShapes.reservation(out, "item", r));
        out.end();
        out.start("subnetIpv6CidrReservationSet").end();
    }

    private void createVpcEndpoint(QueryParams p, XmlWriter out) {
        Ec2Actions.unsupported(p, "PolicyDocument", "DnsOptions", "SubnetConfiguration", "ServiceNetworkArn",
                "ResourceConfigurationArn", "ServiceRegion");
        String type = p.optional("VpcEndpointType").orElse("Gateway");
        Optional<Boolean> privateDns = p.has("PrivateDnsEnabled")
                ? Optional.of(p.bool("PrivateDnsEnabled", false)) : Optional.empty();
        if (p.optional("IpAddressType").filter(t -> !t.equals("ipv4")).isPresent()) {
            throw Ec2Actions.unsupportedValue("IpAddressType other than ipv4", "ipv4");
        }
        NewVpcEndpoint request = new NewVpcEndpoint(p.required("VpcId"), type, p.required("ServiceName"),
                p.list("RouteTableId"), p.list("SubnetId"), p.list("SecurityGroupId"), privateDns,
                Ec2Actions.tags(p, "vpc-endpoint"));
        Ec2VpcShapes.vpcEndpoint(out, "vpcEndpoint", vpcs.createVpcEndpoint(request));
        out.element("clientToken", p.optional("ClientToken").orElse(null));
    }

    private void describeVpcEndpoints(QueryParams p, XmlWriter out) {
        var matches = Ec2VpcShapes.ENDPOINT_FILTERS.predicate(Filter.parse(p, "Filter"));
        out.start("vpcEndpointSet");
        vpcs.describeVpcEndpoints(p.list("VpcEndpointId")).stream().filter(matches)
                .forEach(e -> Ec2VpcShapes.vpcEndpoint(out, "item", e));
        out.end();
    }

    private void describeSecurityGroups(QueryParams p, XmlWriter out) {
        var matches = Ec2VpcShapes.GROUP_FILTERS.predicate(Filter.parse(p, "Filter"));
        out.start("securityGroupInfo");
        vpcs.describeSecurityGroups(p.list("GroupId"), p.list("GroupName")).stream().filter(matches)
                .forEach(g -> Ec2VpcShapes.securityGroup(out, g));
        out.end();
    }
}
