package dev.podnet.vpcsim;

import static dev.podnet.cloud.sim.DefaultWorld.NODE_SUBNET_A;
import static dev.podnet.cloud.sim.DefaultWorld.NODE_SUBNET_B;
import static dev.podnet.cloud.sim.DefaultWorld.POD_SUBNET_A;
import static dev.podnet.cloud.sim.DefaultWorld.SECURITY_GROUP_DEFAULT;
import static dev.podnet.cloud.sim.DefaultWorld.SECURITY_GROUP_PODS;
import static dev.podnet.cloud.sim.DefaultWorld.VPC_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The VPC-level actions over real HTTP: status, the element names clients parse, and EC2's error codes. */
class Ec2VpcActionsTest {

    private Ec2QueryServer server;
    private Ec2Http ec2;

    @BeforeEach
    void start() throws Exception {
        VpcEmulator emulator = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0));
        ec2 = new Ec2Http(server.endpoint());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void fails(Ec2Http.Answer answer, String code) {
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo(code);
    }

    @Test
    void vpcCidrBlocksAreAssociatedAndDisassociated() {
        Ec2Http.Answer added = ec2.call("AssociateVpcCidrBlock", "VpcId", VPC_ID, "CidrBlock", "100.65.0.0/16");
        assertThat(added.status()).isEqualTo(200);
        String r = "/AssociateVpcCidrBlockResponse/";
        assertThat(added.text(r + "vpcId")).isEqualTo(VPC_ID);
        assertThat(added.text(r + "cidrBlockAssociation/cidrBlock")).isEqualTo("100.65.0.0/16");
        assertThat(added.text(r + "cidrBlockAssociation/cidrBlockState/state")).isEqualTo("associating");
        String id = added.text(r + "cidrBlockAssociation/associationId");

        Ec2Http.Answer vpcs = ec2.call("DescribeVpcs", "Filter.1.Name", "cidr-block-association.cidr-block",
                "Filter.1.Value.1", "100.65.0.0/16");
        String v = "/DescribeVpcsResponse/vpcSet/item/cidrBlockAssociationSet/item";
        assertThat(vpcs.texts(v + "/cidrBlock")).containsExactly("10.0.0.0/16", "100.64.0.0/16", "100.65.0.0/16");
        assertThat(vpcs.texts(v + "/cidrBlockState/state")).containsOnly("associated");

        fails(ec2.call("AssociateVpcCidrBlock", "VpcId", VPC_ID, "CidrBlock", "100.65.0.0/16"), "CidrConflict");
        fails(ec2.call("AssociateVpcCidrBlock", "VpcId", VPC_ID, "CidrBlock", "192.168.0.0/16"), "InvalidVpc.Range");
        fails(ec2.call("AssociateVpcCidrBlock", "VpcId", VPC_ID), "MissingParameter");

        Ec2Http.Answer removed = ec2.call("DisassociateVpcCidrBlock", "AssociationId", id);
        assertThat(removed.text("/DisassociateVpcCidrBlockResponse/cidrBlockAssociation/cidrBlockState/state"))
                .isEqualTo("disassociating");
        fails(ec2.call("DisassociateVpcCidrBlock", "AssociationId", id), "InvalidVpcCidrBlockAssociationID.NotFound");
    }

    @Test
    void subnetsAreCreatedWithTagsAndDeleted() {
        Ec2Http.Answer created = ec2.call("CreateSubnet", "VpcId", VPC_ID, "AvailabilityZone", "us-east-1a",
                "CidrBlock", "10.0.200.0/24", "TagSpecification.1.ResourceType", "subnet",
                "TagSpecification.1.Tag.1.Key", "Name", "TagSpecification.1.Tag.1.Value", "extra");
        assertThat(created.status()).isEqualTo(200);
        String s = "/CreateSubnetResponse/subnet/";
        String id = created.text(s + "subnetId");
        assertThat(id).startsWith("subnet-");
        assertThat(created.text(s + "cidrBlock")).isEqualTo("10.0.200.0/24");
        assertThat(created.text(s + "availableIpAddressCount")).isEqualTo("251");
        assertThat(created.text(s + "tagSet/item[key='Name']/value")).isEqualTo("extra");

        fails(ec2.call("CreateSubnet", "VpcId", VPC_ID, "AvailabilityZone", "us-east-1a", "CidrBlock", "10.0.200.0/25"),
                "InvalidSubnet.Conflict");
        fails(ec2.call("CreateSubnet", "VpcId", VPC_ID, "AvailabilityZone", "us-east-1a", "CidrBlock", "10.0.201.0/29"),
                "InvalidSubnet.Range");
        fails(ec2.call("CreateSubnet", "VpcId", VPC_ID, "AvailabilityZone", "us-west-2a", "CidrBlock", "10.0.201.0/24"),
                "InvalidParameterValue");
        fails(ec2.call("CreateSubnet", "VpcId", VPC_ID, "CidrBlock", "10.0.201.0/24",
                "TagSpecification.1.ResourceType", "vpc", "TagSpecification.1.Tag.1.Key", "a"), "InvalidParameterValue");

        fails(ec2.call("DeleteSubnet", "SubnetId", NODE_SUBNET_A), "DependencyViolation");
        assertThat(ec2.call("DeleteSubnet", "SubnetId", id).text("/DeleteSubnetResponse/return")).isEqualTo("true");
        fails(ec2.call("DeleteSubnet", "SubnetId", id), "InvalidSubnetID.NotFound");
    }

    @Test
    void routeTablesAreDescribedAndAssociated() {
        String t = "/DescribeRouteTablesResponse/routeTableSet/item/";
        Ec2Http.Answer all = ec2.call("DescribeRouteTables", "Filter.1.Name", "vpc-id", "Filter.1.Value.1", VPC_ID);
        String table = all.text(t + "routeTableId");
        assertThat(table).startsWith("rtb-");
        assertThat(all.text(t + "associationSet/item/main")).isEqualTo("true");
        assertThat(all.texts(t + "routeSet/item/destinationCidrBlock")).containsExactly("10.0.0.0/16", "100.64.0.0/16");
        assertThat(all.texts(t + "routeSet/item/gatewayId")).containsOnly("local");

        Ec2Http.Answer associated = ec2.call("AssociateRouteTable", "RouteTableId", table, "SubnetId", POD_SUBNET_A);
        assertThat(associated.text("/AssociateRouteTableResponse/associationId")).startsWith("rtbassoc-");
        assertThat(associated.text("/AssociateRouteTableResponse/associationState/state")).isEqualTo("associated");
        fails(ec2.call("AssociateRouteTable", "RouteTableId", table, "SubnetId", POD_SUBNET_A), "Resource.AlreadyAssociated");
        fails(ec2.call("AssociateRouteTable", "RouteTableId", "rtb-0nope", "SubnetId", POD_SUBNET_A),
                "InvalidRouteTableID.NotFound");

        Ec2Http.Answer bySubnet = ec2.call("DescribeRouteTables", "Filter.1.Name", "association.subnet-id",
                "Filter.1.Value.1", POD_SUBNET_A);
        assertThat(bySubnet.texts(t + "associationSet/item/subnetId")).containsExactly(POD_SUBNET_A);
        assertThat(ec2.call("DescribeRouteTables", "Filter.1.Name", "association.subnet-id", "Filter.1.Value.1",
                NODE_SUBNET_B).texts(t + "routeTableId")).isEmpty();
        fails(ec2.call("DescribeRouteTables", "RouteTableId.1", "rtb-0nope"), "InvalidRouteTableID.NotFound");
    }

    @Test
    void tagsAreCreatedAndDescribedWithFilters() {
        Ec2Http.Answer tagged = ec2.call("CreateTags", "ResourceId.1", VPC_ID, "ResourceId.2", SECURITY_GROUP_PODS,
                "Tag.1.Key", "team", "Tag.1.Value", "net");
        assertThat(tagged.text("/CreateTagsResponse/return")).isEqualTo("true");
        fails(ec2.call("CreateTags", "ResourceId.1", "vpc-0nope", "Tag.1.Key", "a"), "InvalidVpcID.NotFound");

        String item = "/DescribeTagsResponse/tagSet/item";
        Ec2Http.Answer team = ec2.call("DescribeTags", "Filter.1.Name", "key", "Filter.1.Value.1", "team");
        assertThat(team.texts(item + "/resourceId")).containsExactly(VPC_ID, SECURITY_GROUP_PODS);
        assertThat(team.texts(item + "/resourceType")).containsExactly("vpc", "security-group");
        assertThat(team.texts(item + "/value")).containsOnly("net");
        Ec2Http.Answer subnets = ec2.call("DescribeTags", "Filter.1.Name", "resource-type", "Filter.1.Value.1", "subnet");
        assertThat(subnets.texts(item + "/resourceId")).hasSize(3).containsOnly(
                DefaultWorld.POD_SUBNET_A, DefaultWorld.POD_SUBNET_B, DefaultWorld.POD_SUBNET_C);
        fails(ec2.call("DescribeTags", "Filter.1.Name", "colour", "Filter.1.Value.1", "x"), "InvalidParameterValue");
    }

    @Test
    void subnetCidrReservationsAreCreatedAndListed() {
        Ec2Http.Answer made = ec2.call("CreateSubnetCidrReservation", "SubnetId", POD_SUBNET_A, "Cidr", "100.64.8.0/24",
                "ReservationType", "prefix", "Description", "pods");
        String r = "/CreateSubnetCidrReservationResponse/subnetCidrReservation/";
        assertThat(made.text(r + "subnetCidrReservationId")).startsWith("scr-");
        assertThat(made.text(r + "reservationType")).isEqualTo("prefix");
        assertThat(made.text(r + "cidr")).isEqualTo("100.64.8.0/24");
        fails(ec2.call("CreateSubnetCidrReservation", "SubnetId", POD_SUBNET_A, "Cidr", "100.64.8.0/25",
                "ReservationType", "explicit"), "InvalidParameterValue");
        Ec2Http.Answer listed = ec2.call("GetSubnetCidrReservations", "SubnetId", POD_SUBNET_A);
        assertThat(listed.texts("/GetSubnetCidrReservationsResponse/subnetIpv4CidrReservationSet/item/cidr"))
                .containsExactly("100.64.8.0/24");
    }

    @Test
    void vpcEndpointsAndSecurityGroups() {
        ec2.call("ModifyVpcAttribute", "VpcId", VPC_ID, "EnableDnsHostnames.Value", "true");
        Ec2Http.Answer made = ec2.call("CreateVpcEndpoint", "VpcId", VPC_ID, "VpcEndpointType", "Interface",
                "ServiceName", "com.amazonaws.us-east-1.ec2", "SubnetId.1", NODE_SUBNET_A, "SubnetId.2", NODE_SUBNET_B,
                "SecurityGroupId.1", SECURITY_GROUP_PODS, "PrivateDnsEnabled", "true");
        assertThat(made.status()).isEqualTo(200);
        String e = "/CreateVpcEndpointResponse/vpcEndpoint/";
        assertThat(made.text(e + "vpcEndpointId")).startsWith("vpce-");
        assertThat(made.texts(e + "subnetIdSet/item")).containsExactly(NODE_SUBNET_A, NODE_SUBNET_B);
        assertThat(made.texts(e + "groupSet/item/groupId")).containsExactly(SECURITY_GROUP_PODS);
        assertThat(made.text(e + "privateDnsEnabled")).isEqualTo("true");
        fails(ec2.call("CreateVpcEndpoint", "VpcId", VPC_ID, "VpcEndpointType", "Interface",
                "ServiceName", "com.amazonaws.us-east-1.nope!"), "InvalidServiceName");
        String table = ec2.call("DescribeRouteTables").text("/DescribeRouteTablesResponse/routeTableSet/item/routeTableId");
        ec2.call("CreateVpcEndpoint", "VpcId", VPC_ID, "ServiceName", "com.amazonaws.us-east-1.s3",
                "RouteTableId.1", table);
        Ec2Http.Answer gateways = ec2.call("DescribeVpcEndpoints", "Filter.1.Name", "vpc-endpoint-type",
                "Filter.1.Value.1", "Gateway");
        assertThat(gateways.texts("/DescribeVpcEndpointsResponse/vpcEndpointSet/item/routeTableIdSet/item"))
                .containsExactly(table);
        assertThat(gateways.text("/DescribeVpcEndpointsResponse/vpcEndpointSet/item/state")).isEqualTo("available");

        String g = "/DescribeSecurityGroupsResponse/securityGroupInfo/item/";
        Ec2Http.Answer groups = ec2.call("DescribeSecurityGroups", "Filter.1.Name", "vpc-id", "Filter.1.Value.1", VPC_ID);
        assertThat(groups.texts(g + "groupId")).containsExactly(SECURITY_GROUP_DEFAULT, SECURITY_GROUP_PODS);
        assertThat(ec2.call("DescribeSecurityGroups", "GroupName.1", "default").texts(g + "groupId"))
                .containsExactly(SECURITY_GROUP_DEFAULT);
        fails(ec2.call("DescribeSecurityGroups", "GroupId.1", "sg-0nope"), "InvalidGroup.NotFound");
    }
}
