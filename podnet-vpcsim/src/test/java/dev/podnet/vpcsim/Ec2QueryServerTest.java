package dev.podnet.vpcsim;

import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_M5_LARGE;
import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_T3_MEDIUM;
import static dev.podnet.cloud.sim.DefaultWorld.NODE_SUBNET_A;
import static dev.podnet.cloud.sim.DefaultWorld.POD_SUBNET_A;
import static dev.podnet.cloud.sim.DefaultWorld.SECURITY_GROUP_PODS;
import static dev.podnet.cloud.sim.DefaultWorld.VPC_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every action over real HTTP against the emulator, checking the element names clients parse. */
class Ec2QueryServerTest {

    private VpcEmulator emulator;
    private Ec2QueryServer server;
    private Ec2Http ec2;

    @BeforeEach
    void start() throws Exception {
        VirtualClock clock = new VirtualClock();
        emulator = VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock)
                .throttle(ThrottleConfig.UNLIMITED).build();
        server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0));
        ec2 = new Ec2Http(server.endpoint());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void describeInstancesListsInstancesWithTheirInterfaces() {
        Ec2Http.Answer all = ec2.call("DescribeInstances");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.contentType()).isEqualTo("text/xml;charset=UTF-8");
        assertThat(all.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>");
        assertThat(all.text("/DescribeInstancesResponse/requestId")).matches("[0-9a-f-]{36}");
        assertThat(all.texts("/DescribeInstancesResponse/reservationSet/item/instancesSet/item/instanceId"))
                .containsExactlyInAnyOrder(INSTANCE_M5_LARGE, DefaultWorld.INSTANCE_C5_XLARGE, INSTANCE_T3_MEDIUM);

        Ec2Http.Answer one = ec2.call("DescribeInstances", "InstanceId.1", INSTANCE_M5_LARGE);
        String i = "/DescribeInstancesResponse/reservationSet/item/instancesSet/item/";
        assertThat(one.texts(i + "instanceId")).containsExactly(INSTANCE_M5_LARGE);
        assertThat(one.text(i + "instanceType")).isEqualTo("m5.large");
        assertThat(one.text(i + "subnetId")).isEqualTo(NODE_SUBNET_A);
        assertThat(one.text(i + "vpcId")).isEqualTo(VPC_ID);
        assertThat(one.text(i + "placement/availabilityZone")).isEqualTo("us-east-1a");
        assertThat(one.text(i + "instanceState/name")).isEqualTo("running");
        assertThat(one.text(i + "instanceState/code")).isEqualTo("16");
        String eni = i + "networkInterfaceSet/item/";
        assertThat(one.texts(eni + "networkInterfaceId")).hasSize(1).allMatch(id -> id.startsWith("eni-"));
        assertThat(one.text(eni + "attachment/deviceIndex")).isEqualTo("0");
        assertThat(one.text(eni + "attachment/status")).isEqualTo("attached");
        assertThat(one.text(eni + "status")).isEqualTo("in-use");
        assertThat(one.text(eni + "macAddress")).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
        assertThat(one.text(eni + "privateIpAddressesSet/item[primary='true']/privateIpAddress"))
                .isEqualTo(one.text(i + "privateIpAddress")).startsWith("10.0.");
        assertThat(one.texts(eni + "ipv4PrefixSet")).hasSize(1);
        assertThat(one.texts(eni + "ipv6PrefixSet")).hasSize(1);

        Ec2Http.Answer filtered = ec2.call("DescribeInstances", "Filter.1.Name", "instance-type",
                "Filter.1.Value.1", "t3.*", "Filter.2.Name", "instance-state-name", "Filter.2.Value.1", "running");
        assertThat(filtered.texts(i + "instanceId")).containsExactly(INSTANCE_T3_MEDIUM);

        Ec2Http.Answer missing = ec2.call("DescribeInstances", "InstanceId.1", "i-0123456789abcdef0");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("InvalidInstanceID.NotFound");
    }

    @Test
    void describeVpcsListsEveryBlock() {
        String v = "/DescribeVpcsResponse/vpcSet/item/";
        Ec2Http.Answer all = ec2.call("DescribeVpcs");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.texts(v + "vpcId")).containsExactly(VPC_ID);
        assertThat(all.text(v + "cidrBlock")).isEqualTo(DefaultWorld.VPC_CIDR);
        assertThat(all.text(v + "state")).isEqualTo("available");
        assertThat(all.texts(v + "cidrBlockAssociationSet/item/cidrBlock"))
                .containsExactly(DefaultWorld.VPC_CIDR, DefaultWorld.VPC_SECONDARY_CIDR);
        assertThat(all.texts(v + "cidrBlockAssociationSet/item/cidrBlockState/state")).containsOnly("associated");
        assertThat(all.texts(v + "cidrBlockAssociationSet/item/associationId")).doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith("vpc-cidr-assoc-"));
        assertThat(all.text(v + "ipv6CidrBlockAssociationSet/item/ipv6CidrBlock")).isEqualTo(DefaultWorld.VPC_IPV6_CIDR);

        assertThat(ec2.call("DescribeVpcs", "VpcId.1", VPC_ID).texts(v + "vpcId")).containsExactly(VPC_ID);
        assertThat(ec2.call("DescribeVpcs", "Filter.1.Name", "cidr-block-association.cidr-block",
                "Filter.1.Value.1", "100.64.0.0/16").texts(v + "vpcId")).containsExactly(VPC_ID);
        assertThat(ec2.call("DescribeVpcs", "Filter.1.Name", "cidr", "Filter.1.Value.1", "100.64.0.0/16")
                .texts(v + "vpcId")).isEmpty();

        Ec2Http.Answer missing = ec2.call("DescribeVpcs", "VpcId.1", "vpc-0123456789abcdef0");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("InvalidVpcID.NotFound");
    }

    @Test
    void describeSubnetsByIdAndFilter() {
        String s = "/DescribeSubnetsResponse/subnetSet/item/";
        assertThat(ec2.call("DescribeSubnets").texts(s + "subnetId")).hasSize(6);
        Ec2Http.Answer one = ec2.call("DescribeSubnets", "SubnetId.1", POD_SUBNET_A);
        assertThat(one.texts(s + "subnetId")).containsExactly(POD_SUBNET_A);
        assertThat(one.text(s + "vpcId")).isEqualTo(VPC_ID);
        assertThat(one.text(s + "cidrBlock")).isEqualTo("100.64.0.0/18");
        assertThat(one.text(s + "availabilityZone")).isEqualTo("us-east-1a");
        assertThat(Long.parseLong(one.text(s + "availableIpAddressCount"))).isEqualTo((1L << 14) - 5);
        assertThat(one.text(s + "ipv6CidrBlockAssociationSet/item/ipv6CidrBlock")).isEqualTo("2600:1f18:1234:5610::/64");
        assertThat(one.text(s + "tagSet/item[key='kubernetes.io/role/cni']/value")).isEqualTo("1");

        Ec2Http.Answer pods = ec2.call("DescribeSubnets", "Filter.1.Name", "tag:kubernetes.io/role/cni",
                "Filter.1.Value.1", "1", "Filter.2.Name", "availability-zone", "Filter.2.Value.1", "us-east-1a",
                "Filter.2.Value.2", "us-east-1b");
        assertThat(pods.texts(s + "subnetId")).containsExactlyInAnyOrder(POD_SUBNET_A, DefaultWorld.POD_SUBNET_B);

        Ec2Http.Answer get = ec2.get("/?Action=DescribeSubnets&Version=2016-11-15&SubnetId.1=" + NODE_SUBNET_A);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.texts(s + "subnetId")).containsExactly(NODE_SUBNET_A);
    }

    @Test
    void anInterfaceFromCreationToDeletion() {
        Ec2Http.Answer created = ec2.call("CreateNetworkInterface", "SubnetId", POD_SUBNET_A,
                "SecurityGroupId.1", SECURITY_GROUP_PODS, "Description", "pods <of> node-a",
                "TagSpecification.1.ResourceType", "network-interface",
                "TagSpecification.1.Tag.1.Key", "podnet.dev/node", "TagSpecification.1.Tag.1.Value", INSTANCE_M5_LARGE,
                "TagSpecification.1.Tag.2.Key", "podnet.dev/managed", "TagSpecification.1.Tag.2.Value", "true");
        assertThat(created.status()).isEqualTo(200);
        String n = "/CreateNetworkInterfaceResponse/networkInterface/";
        String eniId = created.text(n + "networkInterfaceId");
        assertThat(eniId).startsWith("eni-");
        assertThat(created.text(n + "status")).isEqualTo("available");
        assertThat(created.text(n + "subnetId")).isEqualTo(POD_SUBNET_A);
        assertThat(created.text(n + "description")).isEqualTo("pods <of> node-a");
        assertThat(created.texts(n + "groupSet/item/groupId")).containsExactly(SECURITY_GROUP_PODS);
        assertThat(created.text(n + "tagSet/item[key='podnet.dev/node']/value")).isEqualTo(INSTANCE_M5_LARGE);
        assertThat(created.texts(n + "privateIpAddressesSet/item/privateIpAddress")).hasSize(1);

        Ec2Http.Answer attached = ec2.call("AttachNetworkInterface", "NetworkInterfaceId", eniId,
                "InstanceId", INSTANCE_M5_LARGE, "DeviceIndex", "1");
        String attachmentId = attached.text("/AttachNetworkInterfaceResponse/attachmentId");
        assertThat(attachmentId).startsWith("eni-attach-");
        assertThat(ec2.call("ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eniId,
                "Attachment.AttachmentId", attachmentId, "Attachment.DeleteOnTermination", "true")
                .text("/ModifyNetworkInterfaceAttributeResponse/return")).isEqualTo("true");

        String d = "/DescribeNetworkInterfacesResponse/networkInterfaceSet/item/";
        Ec2Http.Answer onNode = ec2.call("DescribeNetworkInterfaces", "Filter.1.Name", "attachment.instance-id",
                "Filter.1.Value.1", INSTANCE_M5_LARGE);
        assertThat(onNode.texts(d + "networkInterfaceId")).hasSize(2).contains(eniId);
        assertThat(onNode.text(d + "attachment[deviceIndex='1']/attachmentId")).isEqualTo(attachmentId);
        assertThat(onNode.text(d + "attachment[deviceIndex='1']/instanceId")).isEqualTo(INSTANCE_M5_LARGE);
        assertThat(ec2.call("DescribeNetworkInterfaces", "Filter.1.Name", "tag:podnet.dev/managed",
                "Filter.1.Value.1", "true", "Filter.2.Name", "status", "Filter.2.Value.1", "in-use")
                .texts(d + "networkInterfaceId")).containsExactly(eniId);
        assertThat(ec2.call("DescribeNetworkInterfaces", "Filter.1.Name", "tag:podnet.dev/managed",
                "Filter.1.Value.1", "true", "Filter.2.Name", "status", "Filter.2.Value.1", "available")
                .texts(d + "networkInterfaceId")).isEmpty();
        assertThat(ec2.call("DescribeNetworkInterfaces", "Filter.1.Name", "network-interface-id",
                "Filter.1.Value.1", "eni-00000000000000000").texts(d + "networkInterfaceId")).isEmpty();

        Ec2Http.Answer two = ec2.call("AssignPrivateIpAddresses", "NetworkInterfaceId", eniId,
                "SecondaryPrivateIpAddressCount", "2");
        List<String> ips = two.texts("/AssignPrivateIpAddressesResponse/assignedPrivateIpAddressesSet/item/privateIpAddress");
        assertThat(ips).hasSize(2).allMatch(ip -> ip.startsWith("100.64."));
        assertThat(two.text("/AssignPrivateIpAddressesResponse/networkInterfaceId")).isEqualTo(eniId);
        assertThat(ec2.call("UnassignPrivateIpAddresses", "NetworkInterfaceId", eniId, "PrivateIpAddress.1", ips.get(0))
                .text("/UnassignPrivateIpAddressesResponse/return")).isEqualTo("true");
        Ec2Http.Answer chosen = ec2.call("AssignPrivateIpAddresses", "NetworkInterfaceId", eniId,
                "PrivateIpAddress.1", ips.get(0), "AllowReassignment", "false");
        assertThat(chosen.texts("/AssignPrivateIpAddressesResponse/assignedPrivateIpAddressesSet/item/privateIpAddress"))
                .containsExactly(ips.get(0));

        Ec2Http.Answer prefix = ec2.call("AssignPrivateIpAddresses", "NetworkInterfaceId", eniId, "Ipv4PrefixCount", "1");
        String p4 = prefix.text("/AssignPrivateIpAddressesResponse/assignedIpv4PrefixSet/item/ipv4Prefix");
        assertThat(p4).startsWith("100.64.").endsWith("/28");
        Ec2Http.Answer v6 = ec2.call("AssignIpv6Addresses", "NetworkInterfaceId", eniId, "Ipv6PrefixCount", "1");
        String p6 = v6.text("/AssignIpv6AddressesResponse/assignedIpv6PrefixSet/item");
        assertThat(p6).startsWith("2600:1f18:1234:5610:").endsWith("/80");

        Ec2Http.Answer described = ec2.call("DescribeNetworkInterfaces", "NetworkInterfaceId.1", eniId);
        assertThat(described.texts(d + "privateIpAddressesSet/item[primary='false']/privateIpAddress"))
                .containsExactlyInAnyOrderElementsOf(ips);
        assertThat(described.texts(d + "ipv4PrefixSet/item/ipv4Prefix")).containsExactly(p4);
        assertThat(described.texts(d + "ipv6PrefixSet/item/ipv6Prefix")).containsExactly(p6);

        assertThat(ec2.call("UnassignPrivateIpAddresses", "NetworkInterfaceId", eniId, "Ipv4Prefix.1", p4).status())
                .isEqualTo(200);
        assertThat(ec2.call("UnassignIpv6Addresses", "NetworkInterfaceId", eniId, "Ipv6Prefix.1", p6)
                .texts("/UnassignIpv6AddressesResponse/unassignedIpv6PrefixSet/item")).containsExactly(p6);

        Ec2Http.Answer inUse = ec2.call("DeleteNetworkInterface", "NetworkInterfaceId", eniId);
        assertThat(inUse.status()).isEqualTo(400);
        assertThat(inUse.errorCode()).isEqualTo("InvalidNetworkInterface.InUse");
        assertThat(ec2.call("DetachNetworkInterface", "AttachmentId", attachmentId, "Force", "true")
                .text("/DetachNetworkInterfaceResponse/return")).isEqualTo("true");
        assertThat(ec2.call("DeleteNetworkInterface", "NetworkInterfaceId", eniId)
                .text("/DeleteNetworkInterfaceResponse/return")).isEqualTo("true");
        assertThat(ec2.call("DescribeNetworkInterfaces", "NetworkInterfaceId.1", eniId).errorCode())
                .isEqualTo("InvalidNetworkInterfaceID.NotFound");
    }

    @Test
    void createWithAddressesAssignsThemOrLeavesNothing() {
        Ec2Http.Answer created = ec2.call("CreateNetworkInterface", "SubnetId", POD_SUBNET_A,
                "SecondaryPrivateIpAddressCount", "3", "ClientToken", "tok-1");
        assertThat(created.texts("/CreateNetworkInterfaceResponse/networkInterface/privateIpAddressesSet/item")).hasSize(4);
        assertThat(created.text("/CreateNetworkInterfaceResponse/clientToken")).isEqualTo("tok-1");

        int before = ec2.call("DescribeNetworkInterfaces")
                .texts("/DescribeNetworkInterfacesResponse/networkInterfaceSet/item/networkInterfaceId").size();
        Ec2Http.Answer tooMany = ec2.call("CreateNetworkInterface", "SubnetId", POD_SUBNET_A,
                "SecondaryPrivateIpAddressCount", "100000");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(ec2.call("DescribeNetworkInterfaces")
                .texts("/DescribeNetworkInterfacesResponse/networkInterfaceSet/item/networkInterfaceId")).hasSize(before);
    }

    @Test
    void tagsForAnotherResourceTypeAreRefused() {
        Ec2Http.Answer r = ec2.call("CreateNetworkInterface", "SubnetId", POD_SUBNET_A,
                "TagSpecification.1.ResourceType", "instance", "TagSpecification.1.Tag.1.Key", "k");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("InvalidParameterValue");
    }
}
