package dev.podnet.cloud.sim;

import static dev.podnet.cloud.sim.DefaultWorld.NODE_SUBNET_A;
import static dev.podnet.cloud.sim.DefaultWorld.POD_SUBNET_A;
import static dev.podnet.cloud.sim.DefaultWorld.VPC_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.sim.VpcResources.CidrAssociation;
import dev.podnet.cloud.sim.VpcResources.NewVpcEndpoint;
import dev.podnet.net.Cidr;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The VPC-level rules of the emulator: each refusal carries EC2's code and leaves the world as it was. */
class VpcTopologyTest {

    private final VpcEmulator emulator = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();

    private String world() {
        return emulator.describeVpcs(List.of()) + " " + emulator.describeSubnets(List.of()) + " "
                + emulator.describeRouteTables(List.of()) + " " + emulator.describeTags();
    }

    private void refused(String code, ThrowingCallable call) {
        String before = world();
        assertThatThrownBy(call).isInstanceOfSatisfying(CloudException.class, e -> assertThat(e.code()).isEqualTo(code));
        assertThat(world()).isEqualTo(before);
    }

    private List<String> blocks() {
        return emulator.describeVpcs(List.of(VPC_ID)).getFirst().cidrBlocks().stream().map(CidrAssociation::cidrBlock).toList();
    }

    @Test
    void associatingFollowsAwsSecondaryBlockRules() {
        refused("CidrConflict", () -> emulator.associateVpcCidrBlock(VPC_ID, "100.64.0.0/16"));
        refused("CidrConflict", () -> emulator.associateVpcCidrBlock(VPC_ID, "10.0.128.0/17"));
        refused("InvalidVpc.Range", () -> emulator.associateVpcCidrBlock(VPC_ID, "100.66.0.0/15"));
        refused("InvalidVpc.Range", () -> emulator.associateVpcCidrBlock(VPC_ID, "192.168.0.0/16"));
        refused("InvalidParameterValue", () -> emulator.associateVpcCidrBlock(VPC_ID, "100.65.0.1/16"));
        refused("InvalidVpcID.NotFound", () -> emulator.associateVpcCidrBlock("vpc-0nope", "100.65.0.0/16"));

        var change = emulator.associateVpcCidrBlock(VPC_ID, "100.65.0.0/16");
        assertThat(change.vpcId()).isEqualTo(VPC_ID);
        assertThat(change.association().state()).isEqualTo("associating");
        assertThat(emulator.describeVpcs(List.of(VPC_ID)).getFirst().cidrBlocks().getLast())
                .isEqualTo(new CidrAssociation(change.association().associationId(), "100.65.0.0/16", "associated"));
        emulator.associateVpcCidrBlock(VPC_ID, "100.66.0.0/16");
        emulator.associateVpcCidrBlock(VPC_ID, "100.67.0.0/16");
        refused("CidrLimitExceeded", () -> emulator.associateVpcCidrBlock(VPC_ID, "100.68.0.0/16"));
        assertThat(blocks()).hasSize(5);
    }

    @Test
    void disassociatingKeepsThePrimaryAndBlocksInUse() {
        List<CidrAssociation> initial = emulator.describeVpcs(List.of(VPC_ID)).getFirst().cidrBlocks();
        refused("OperationNotPermitted", () -> emulator.disassociateVpcCidrBlock(initial.get(0).associationId()));
        refused("InvalidCidrBlock.InUse", () -> emulator.disassociateVpcCidrBlock(initial.get(1).associationId()));
        refused("InvalidVpcCidrBlockAssociationID.NotFound", () -> emulator.disassociateVpcCidrBlock("vpc-cidr-assoc-0"));
        String id = emulator.associateVpcCidrBlock(VPC_ID, "100.65.0.0/16").association().associationId();
        assertThat(emulator.disassociateVpcCidrBlock(id).association().state()).isEqualTo("disassociating");
        assertThat(blocks()).containsExactly("10.0.0.0/16", "100.64.0.0/16");
    }

    @Test
    void subnetsAreCreatedInsideBlocksWithoutOverlapInTheRegionsZones() {
        refused("InvalidSubnet.Conflict", () -> emulator.createSubnet(VPC_ID, "us-east-1a", "10.0.0.0/24", Map.of()));
        refused("InvalidSubnet.Range", () -> emulator.createSubnet(VPC_ID, "us-east-1a", "172.16.0.0/24", Map.of()));
        refused("InvalidSubnet.Range", () -> emulator.createSubnet(VPC_ID, "us-east-1a", "10.0.200.0/29", Map.of()));
        refused("InvalidParameterValue", () -> emulator.createSubnet(VPC_ID, "eu-west-1a", "10.0.200.0/24", Map.of()));
        refused("InvalidVpcID.NotFound", () -> emulator.createSubnet("vpc-0nope", "us-east-1a", "10.0.200.0/24", Map.of()));

        var subnet = emulator.createSubnet(VPC_ID, "us-east-1b", "10.0.200.0/24", Map.of("Name", "extra"));
        assertThat(subnet.vpcId()).isEqualTo(VPC_ID);
        assertThat(subnet.availableIpAddressCount()).isEqualTo(251);
        assertThat(emulator.describeSubnets(List.of(subnet.id())).getFirst().tags()).containsEntry("Name", "extra");
    }

    @Test
    void aSubnetWithInterfacesCannotBeDeleted() {
        var subnet = emulator.createSubnet(VPC_ID, "us-east-1a", "10.0.200.0/24", Map.of());
        var eni = emulator.createNetworkInterface(new CreateEni(subnet.id(), List.of(), "", Map.of()));
        refused("DependencyViolation", () -> emulator.deleteSubnet(subnet.id()));
        emulator.deleteNetworkInterface(eni.id());
        emulator.deleteSubnet(subnet.id());
        refused("InvalidSubnetID.NotFound", () -> emulator.deleteSubnet(subnet.id()));
    }

    @Test
    void aSubnetHasAtMostOneExplicitRouteTable() {
        var tables = emulator.describeRouteTables(List.of());
        assertThat(tables).hasSize(1);
        String main = tables.getFirst().id();
        assertThat(tables.getFirst().associations()).singleElement().satisfies(a -> assertThat(a.main()).isTrue());
        assertThat(tables.getFirst().routes()).extracting(r -> r.destinationCidrBlock().orElseThrow())
                .containsExactly("10.0.0.0/16", "100.64.0.0/16");

        String association = emulator.associateRouteTable(main, NODE_SUBNET_A);
        assertThat(association).startsWith("rtbassoc-");
        refused("Resource.AlreadyAssociated", () -> emulator.associateRouteTable(main, NODE_SUBNET_A));
        refused("InvalidRouteTableID.NotFound", () -> emulator.associateRouteTable("rtb-0nope", POD_SUBNET_A));
        refused("InvalidSubnetID.NotFound", () -> emulator.associateRouteTable(main, "subnet-0nope"));
    }

    @Test
    void prefixReservationsAreWherePrefixesComeFrom() {
        var reservation = emulator.createSubnetCidrReservation(POD_SUBNET_A, "100.64.8.0/24", "prefix", "pods", Map.of());
        assertThat(reservation.id()).startsWith("scr-");
        refused("InvalidParameterValue", () -> emulator.createSubnetCidrReservation(POD_SUBNET_A, "100.64.8.128/25",
                "explicit", null, Map.of()));
        refused("InvalidParameterValue", () -> emulator.createSubnetCidrReservation(POD_SUBNET_A, "10.0.0.0/24",
                "prefix", null, Map.of()));
        refused("InvalidParameterValue", () -> emulator.createSubnetCidrReservation(POD_SUBNET_A, "100.64.9.0/24",
                "sometimes", null, Map.of()));
        assertThat(emulator.getSubnetCidrReservations(POD_SUBNET_A)).containsExactly(reservation);

        var eni = emulator.createNetworkInterface(new CreateEni(POD_SUBNET_A, List.of(), "", Map.of()));
        Cidr reserved = Cidr.parse("100.64.8.0/24");
        assertThat(Cidr.parse(eni.primaryIpv4() + "/32").overlaps(reserved)).isFalse();
        List<String> prefixes = emulator.assignIpv4Prefixes(eni.id(), 16);
        assertThat(prefixes).hasSize(16).allMatch(p -> reserved.contains(Cidr.parse(p)));
        assertThatThrownBy(() -> emulator.assignIpv4Prefixes(eni.id(), 1))
                .isInstanceOfSatisfying(CloudException.class, e -> assertThat(e.code()).isEqualTo("InsufficientCidrBlocks"));
    }

    @Test
    void tagsGoOnEveryResourceOrOnNone() {
        refused("InvalidSubnetID.NotFound", () -> emulator.createTags(List.of(VPC_ID, "subnet-0nope"), Map.of("a", "1")));
        refused("InvalidID", () -> emulator.createTags(List.of("x-1"), Map.of("a", "1")));
        refused("InvalidParameterValue", () -> emulator.createTags(List.of(VPC_ID), Map.of("aws:x", "1")));
        String table = emulator.describeRouteTables(List.of()).getFirst().id();
        emulator.createTags(List.of(VPC_ID, NODE_SUBNET_A, table, DefaultWorld.SECURITY_GROUP_PODS,
                DefaultWorld.INSTANCE_M5_LARGE), Map.of("team", "net"));
        assertThat(emulator.describeTags()).filteredOn(t -> t.key().equals("team")).extracting(VpcResources.Tag::resourceType)
                .containsExactly("vpc", "subnet", "route-table", "security-group", "instance");
        assertThat(emulator.describeVpcs(List.of()).getFirst().tags()).containsEntry("team", "net");
    }

    @Test
    void endpointsNeedDnsAttributesForPrivateDnsAndOneSubnetPerZone() {
        NewVpcEndpoint ec2 = new NewVpcEndpoint(VPC_ID, "Interface", "com.amazonaws.us-east-1.ec2", List.of(),
                List.of(NODE_SUBNET_A, DefaultWorld.NODE_SUBNET_B), List.of(DefaultWorld.SECURITY_GROUP_PODS),
                Optional.empty(), Map.of());
        refused("InvalidParameter", () -> emulator.createVpcEndpoint(ec2));
        emulator.modifyVpcAttribute(VPC_ID, Optional.empty(), Optional.of(true));
        refused("InvalidServiceName", () -> emulator.createVpcEndpoint(new NewVpcEndpoint(VPC_ID, "Interface",
                "com.amazonaws.eu-west-1.ec2", List.of(), List.of(NODE_SUBNET_A), List.of(), Optional.empty(), Map.of())));
        refused("DuplicateSubnetsInSameZone", () -> emulator.createVpcEndpoint(new NewVpcEndpoint(VPC_ID, "Interface",
                "com.amazonaws.us-east-1.sts", List.of(), List.of(NODE_SUBNET_A, POD_SUBNET_A), List.of(),
                Optional.empty(), Map.of())));
        var created = emulator.createVpcEndpoint(ec2);
        assertThat(created.state()).isEqualTo("pending");
        assertThat(created.privateDnsEnabled()).isTrue();
        assertThat(emulator.describeVpcEndpoints(List.of(created.id())).getFirst().state()).isEqualTo("available");
        refused("InvalidParameter", () -> emulator.createVpcEndpoint(ec2));
        refused("DependencyViolation", () -> emulator.deleteSubnet(NODE_SUBNET_A));
    }
}
