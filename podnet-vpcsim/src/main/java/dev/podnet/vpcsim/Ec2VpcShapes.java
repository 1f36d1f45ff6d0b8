package dev.podnet.vpcsim;

import static dev.podnet.vpcsim.Ec2Shapes.OWNER_ID;
import static dev.podnet.vpcsim.Ec2Shapes.one;

import dev.podnet.cloud.sim.VpcResources.CidrReservation;
import dev.podnet.cloud.sim.VpcResources.RouteTable;
import dev.podnet.cloud.sim.VpcResources.RouteTableAssociation;
import dev.podnet.cloud.sim.VpcResources.SecurityGroup;
import dev.podnet.cloud.sim.VpcResources.Tag;
import dev.podnet.cloud.sim.VpcResources.VpcEndpoint;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The XML of the VPC-level shapes (RouteTable, TagDescription, SubnetCidrReservation, VpcEndpoint, SecurityGroup),
 * element names as in service-2.json's locationNames, and the Describe filters each supports.
 */
final class Ec2VpcShapes {
    private Ec2VpcShapes() {
    }

    static void routeTable(XmlWriter x, RouteTable t) {
        x.start("item").element("routeTableId", t.id()).element("vpcId", t.vpcId()).element("ownerId", OWNER_ID);
        x.start("associationSet");
        t.associations().forEach(a -> x.start("item")
                .element("main", a.main())
                .element("routeTableAssociationId", a.id())
                .element("routeTableId", a.routeTableId())
                .element("subnetId", a.subnetId().orElse(null))
                .start("associationState").element("state", "associated").end()
                .end());
        x.end();
        x.start("propagatingVgwSet").end();
        x.start("routeSet");
        t.routes().forEach(r -> x.start("item")
                .element("destinationCidrBlock", r.destinationCidrBlock().orElse(null))
                .element("destinationPrefixListId", r.destinationPrefixListId().orElse(null))
                .element("gatewayId", r.gatewayId())
                .element("origin", r.origin())
                .element("state", "active")
                .end());
        x.end();
        Ec2Shapes.tagSet(x, t.tags());
        x.end();
    }

    static void tag(XmlWriter x, Tag t) {
        x.start("item").element("resourceId", t.resourceId()).element("resourceType", t.resourceType())
                .element("key", t.key()).element("value", t.value()).end();
    }

    static void reservation(XmlWriter x, String element, CidrReservation r) {
        x.start(element)
                .element("subnetCidrReservationId", r.id())
                .element("subnetId", r.subnetId())
                .element("cidr", r.cidr())
                .element("reservationType", r.type())
                .element("ownerId", OWNER_ID)
                .element("description", r.description());
        Ec2Shapes.tagSet(x, r.tags());
        x.end();
    }

    static void vpcEndpoint(XmlWriter x, String element, VpcEndpoint e) {
        x.start(element)
                .element("vpcEndpointId", e.id())
                .element("vpcEndpointType", e.type())
                .element("vpcId", e.vpcId())
                .element("serviceName", e.serviceName())
                .element("state", e.state());
        Ec2Shapes.stringSet(x, "routeTableIdSet", e.routeTableIds());
        Ec2Shapes.stringSet(x, "subnetIdSet", e.subnetIds());
        x.start("groupSet");
        e.securityGroupIds().forEach(g -> x.start("item").element("groupId", g).end());
        x.end();
        x.element("ipAddressType", "ipv4")
                .element("privateDnsEnabled", e.privateDnsEnabled())
                .element("requesterManaged", false);
        Ec2Shapes.stringSet(x, "networkInterfaceIdSet", List.of());
        x.start("dnsEntrySet").end();
        x.element("creationTimestamp", DateTimeFormatter.ISO_INSTANT.format(e.created().truncatedTo(ChronoUnit.MILLIS)));
        Ec2Shapes.tagSet(x, e.tags());
        x.element("ownerId", OWNER_ID);
        x.end();
    }

    static void securityGroup(XmlWriter x, SecurityGroup g) {
        x.start("item")
                .element("ownerId", OWNER_ID)
                .element("groupId", g.id())
                .element("groupName", g.name())
                .element("groupDescription", g.description())
                .element("vpcId", g.vpcId())
                .element("securityGroupArn", "arn:aws:ec2::" + OWNER_ID + ":security-group/" + g.id());
        x.start("ipPermissions").end();
        x.start("ipPermissionsEgress").end();
        Ec2Shapes.tagSet(x, g.tags());
        x.end();
    }

    static final Filter.Fields<RouteTable> ROUTE_TABLE_FILTERS = new Filter.Fields<RouteTable>(Map.of(
            "route-table-id", t -> one(t.id()),
            "vpc-id", t -> one(t.vpcId()),
            "association.subnet-id", t -> t.associations().stream().map(RouteTableAssociation::subnetId)
                    .flatMap(Optional::stream).toList(),
            "association.route-table-association-id", t -> t.associations().stream().map(RouteTableAssociation::id).toList(),
            "association.main", t -> one(Boolean.toString(t.associations().stream().anyMatch(RouteTableAssociation::main))),
            "route.destination-cidr-block", t -> t.routes().stream()
                    .flatMap(r -> r.destinationCidrBlock().stream()).toList(),
            "owner-id", t -> one(OWNER_ID)),
            RouteTable::tags);

    /** DescribeTags filters on the tag itself; the "tags" of a tag are none. */
    static final Filter.Fields<Tag> TAG_FILTERS = new Filter.Fields<Tag>(Map.of(
            "resource-id", t -> one(t.resourceId()),
            "resource-type", t -> one(t.resourceType()),
            "key", t -> one(t.key()),
            "value", t -> one(t.value())),
            t -> Map.of());

    static final Filter.Fields<CidrReservation> RESERVATION_FILTERS = new Filter.Fields<CidrReservation>(Map.of(
            "subnet-cidr-reservation-id", r -> one(r.id()),
            "reservation-type", r -> one(r.type()),
            "owner-id", r -> one(OWNER_ID)),
            CidrReservation::tags);

    static final Filter.Fields<VpcEndpoint> ENDPOINT_FILTERS = new Filter.Fields<VpcEndpoint>(Map.of(
            "vpc-endpoint-id", e -> one(e.id()),
            "vpc-id", e -> one(e.vpcId()),
            "service-name", e -> one(e.serviceName()),
            "vpc-endpoint-type", e -> one(e.type()),
            "vpc-endpoint-state", e -> one(e.state())),
            VpcEndpoint::tags);

    static final Filter.Fields<SecurityGroup> GROUP_FILTERS = new Filter.Fields<SecurityGroup>(Map.of(
            "group-id", g -> one(g.id()),
            "group-name", g -> one(g.name()),
            "vpc-id", g -> one(g.vpcId()),
            "description", g -> one(g.description()),
            "owner-id", g -> one(OWNER_ID)),
            SecurityGroup::tags);
}
