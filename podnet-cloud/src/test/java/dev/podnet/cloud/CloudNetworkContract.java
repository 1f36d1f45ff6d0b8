package dev.podnet.cloud;

import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_C5_XLARGE;
import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_M5_LARGE;
import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_T3_MEDIUM;
import static dev.podnet.cloud.sim.DefaultWorld.NODE_SUBNET_A;
import static dev.podnet.cloud.sim.DefaultWorld.NODE_SUBNET_C;
import static dev.podnet.cloud.sim.DefaultWorld.POD_SUBNET_A;
import static dev.podnet.cloud.sim.DefaultWorld.POD_SUBNET_B;
import static dev.podnet.cloud.sim.DefaultWorld.SECURITY_GROUP_DEFAULT;
import static dev.podnet.cloud.sim.DefaultWorld.SECURITY_GROUP_PODS;
import static dev.podnet.cloud.sim.DefaultWorld.VPC_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.net.Cidr;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The observable behaviour of a {@link CloudNetwork}, run against every implementation (the in-process emulator,
 * the AWS SDK adapter over the emulator's EC2 Query front).
 *
 * <p>{@link #network()} is called once before each test and must return a network of a fresh
 * {@link DefaultWorld#spec()} (nothing created yet), with throttling off and no attach delay or call latency, so that
 * an attachment reads "attached" as soon as the call returns. Tests use only the SPI, so they hold for EC2 too,
 * except where they rely on the default world's fixed ids.
 */
public abstract class CloudNetworkContract extends CloudNetworkFixture {

    // ---- describe --------------------------------------------------------------------------------------------

    @Test
    void describeSubnetsAnswersTheWorldWithTagsAndFreeCounts() {
        List<Subnet> all = net.describeSubnets(List.of());
        assertThat(all).extracting(Subnet::id).containsExactlyInAnyOrder(NODE_SUBNET_A, DefaultWorld.NODE_SUBNET_B,
                NODE_SUBNET_C, POD_SUBNET_A, POD_SUBNET_B, DefaultWorld.POD_SUBNET_C);
        Subnet nodeA = subnet(NODE_SUBNET_A);
        assertThat(nodeA.vpcId()).isEqualTo(VPC_ID);
        assertThat(nodeA.availabilityZone()).isEqualTo("us-east-1a");
        assertThat(nodeA.cidrBlock()).isEqualTo("10.0.0.0/19");
        assertThat(nodeA.ipv6CidrBlock()).contains("2600:1f18:1234:5600::/64");
        // 8192 addresses, 5 reserved, 1 held by the m5.large's primary ENI
        assertThat(nodeA.availableIpAddressCount()).isEqualTo(8192 - 5 - 1);
        Subnet podB = subnet(POD_SUBNET_B);
        assertThat(podB.tags()).containsEntry("kubernetes.io/role/cni", "1");
        assertThat(podB.availableIpAddressCount()).isEqualTo(16384 - 5);
    }

    @Test
    void describeVpcAnswersItsAssociatedBlocksPrimaryFirst() {
        VpcCidrs vpc = net.describeVpc(VPC_ID);
        assertThat(vpc.vpcId()).isEqualTo(VPC_ID);
        assertThat(vpc.ipv4()).containsExactly(DefaultWorld.VPC_CIDR, DefaultWorld.VPC_SECONDARY_CIDR);
        assertThat(vpc.ipv6()).containsExactly(DefaultWorld.VPC_IPV6_CIDR);
    }

    @Test
    void describeVpcRefusesAnUnknownId() {
        assertCode(Ec2Error.INVALID_VPC_ID_NOT_FOUND, () -> net.describeVpc("vpc-0fffffffffffffff0"));
    }

    @Test
    void describeSubnetsRefusesAnUnknownId() {
        assertCode(Ec2Error.INVALID_SUBNET_ID_NOT_FOUND,
                () -> net.describeSubnets(List.of(POD_SUBNET_A, "subnet-0fffffffffffffff0")));
    }

    @Test
    void describeInstanceShowsTypeAndPrimaryInterface() {
        Instance m5 = net.describeInstance(INSTANCE_M5_LARGE);
        assertThat(m5.instanceType()).isEqualTo("m5.large");
        assertThat(m5.vpcId()).isEqualTo(VPC_ID);
        assertThat(m5.subnetId()).isEqualTo(NODE_SUBNET_A);
        assertThat(m5.availabilityZone()).isEqualTo("us-east-1a");
        assertThat(m5.networkInterfaces()).hasSize(1);
        NetworkInterface primary = m5.networkInterfaces().getFirst();
        assertThat(primary.status()).isEqualTo("in-use");
        assertThat(primary.attachment()).get().satisfies(a -> {
            assertThat(a.deviceIndex()).isZero();
            assertThat(a.instanceId()).isEqualTo(INSTANCE_M5_LARGE);
            assertThat(a.status()).isEqualTo("attached");
        });
        assertThat(inside(primary.primaryIpv4(), "10.0.0.0/19")).isTrue();
        assertThat(primary.securityGroups()).containsExactly(SECURITY_GROUP_DEFAULT);
        assertThat(net.describeInstance(INSTANCE_T3_MEDIUM).instanceType()).isEqualTo("t3.medium");
    }

    @Test
    void describeInstanceRefusesUnknownAndMalformedIds() {
        assertCode(Ec2Error.INVALID_INSTANCE_ID_NOT_FOUND, () -> net.describeInstance("i-0fffffffffffffff0"));
        assertCode(Ec2Error.INVALID_INSTANCE_ID_MALFORMED, () -> net.describeInstance("instance-1"));
    }

    // ---- create / attach / detach / delete -------------------------------------------------------------------

    @Test
    void createNetworkInterfaceTakesOneAddressFromTheSubnet() {
        long before = subnet(POD_SUBNET_A).availableIpAddressCount();
        NetworkInterface eni = net.createNetworkInterface(
                new CreateEni(POD_SUBNET_A, List.of(SECURITY_GROUP_PODS), "podnet pod ENI", POD_TAGS));
        assertThat(eni.id()).matches("eni-[0-9a-f]{17}");
        assertThat(eni.macAddress()).matches("02(:[0-9a-f]{2}){5}");
        assertThat(eni.status()).isEqualTo("available");
        assertThat(eni.attachment()).isEmpty();
        assertThat(eni.subnetId()).isEqualTo(POD_SUBNET_A);
        assertThat(eni.vpcId()).isEqualTo(VPC_ID);
        assertThat(eni.availabilityZone()).isEqualTo("us-east-1a");
        assertThat(inside(eni.primaryIpv4(), "100.64.0.0/18")).isTrue();
        assertThat(eni.secondaryIpv4()).isEmpty();
        assertThat(eni.securityGroups()).containsExactly(SECURITY_GROUP_PODS);
        assertThat(eni.tags()).isEqualTo(POD_TAGS);
        assertThat(eni.description()).isEqualTo("podnet pod ENI");
        assertThat(subnet(POD_SUBNET_A).availableIpAddressCount()).isEqualTo(before - 1);
    }

    @Test
    void createNetworkInterfaceWithoutGroupsGetsTheDefaultGroup() {
        NetworkInterface eni = net.createNetworkInterface(new CreateEni(POD_SUBNET_A, List.of(), "", Map.of()));
        assertThat(eni.securityGroups()).containsExactly(SECURITY_GROUP_DEFAULT);
    }

    @Test
    void createNetworkInterfaceRefusesUnknownSubnetAndGroup() {
        assertCode(Ec2Error.INVALID_SUBNET_ID_NOT_FOUND, () -> net.createNetworkInterface(
                new CreateEni("subnet-0fffffffffffffff0", List.of(), "", Map.of())));
        assertCode(Ec2Error.INVALID_GROUP_NOT_FOUND, () -> net.createNetworkInterface(
                new CreateEni(POD_SUBNET_A, List.of("sg-0fffffffffffffff0"), "", Map.of())));
        assertThat(net.describeNetworkInterfaces(EniFilter.all())).hasSize(3);
    }

    @Test
    void attachShowsTheInterfaceOnTheInstance() {
        NetworkInterface eni = create(POD_SUBNET_A);
        String attachmentId = net.attachNetworkInterface(eni.id(), INSTANCE_M5_LARGE, 1);
        assertThat(attachmentId).matches("eni-attach-[0-9a-f]{17}");
        NetworkInterface attached = describe(eni.id());
        assertThat(attached.status()).isEqualTo("in-use");
        assertThat(attached.attachment()).get().satisfies(a -> {
            assertThat(a.attachmentId()).isEqualTo(attachmentId);
            assertThat(a.instanceId()).isEqualTo(INSTANCE_M5_LARGE);
            assertThat(a.deviceIndex()).isEqualTo(1);
            assertThat(a.status()).isEqualTo("attached");
        });
        assertThat(net.describeInstance(INSTANCE_M5_LARGE).networkInterfaces()).extracting(NetworkInterface::id)
                .contains(eni.id()).hasSize(2);
    }

    @Test
    void m5LargeTakesThreeInterfacesAndNoMore() {
        net.attachNetworkInterface(create(POD_SUBNET_A).id(), INSTANCE_M5_LARGE, 1);
        net.attachNetworkInterface(create(POD_SUBNET_A).id(), INSTANCE_M5_LARGE, 2);
        String fourth = create(POD_SUBNET_A).id();
        assertCode(Ec2Error.ATTACHMENT_LIMIT_EXCEEDED, () -> net.attachNetworkInterface(fourth, INSTANCE_M5_LARGE, 3));
        assertThat(describe(fourth).status()).isEqualTo("available");
        assertThat(net.describeInstance(INSTANCE_M5_LARGE).networkInterfaces()).hasSize(3);
    }

    @Test
    void attachRefusesAUsedDeviceIndexAnotherAzAndAnAttachedInterface() {
        String first = create(POD_SUBNET_A).id();
        net.attachNetworkInterface(first, INSTANCE_M5_LARGE, 1);
        String second = create(POD_SUBNET_A).id();
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.attachNetworkInterface(second, INSTANCE_M5_LARGE, 1));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.attachNetworkInterface(second, INSTANCE_M5_LARGE, 0));
        String otherAz = create(POD_SUBNET_B).id();
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.attachNetworkInterface(otherAz, INSTANCE_M5_LARGE, 2));
        assertCode(Ec2Error.INVALID_NETWORK_INTERFACE_IN_USE,
                () -> net.attachNetworkInterface(first, INSTANCE_M5_LARGE, 2));
        assertCode(Ec2Error.INVALID_NETWORK_INTERFACE_ID_NOT_FOUND,
                () -> net.attachNetworkInterface("eni-0fffffffffffffff0", INSTANCE_M5_LARGE, 2));
        assertCode(Ec2Error.INVALID_INSTANCE_ID_NOT_FOUND,
                () -> net.attachNetworkInterface(second, "i-0fffffffffffffff0", 2));
        assertThat(net.describeInstance(INSTANCE_M5_LARGE).networkInterfaces()).hasSize(2);
    }

    @Test
    void detachMakesTheInterfaceAvailableAgain() {
        String eni = create(POD_SUBNET_A).id();
        String attachment = net.attachNetworkInterface(eni, INSTANCE_M5_LARGE, 1);
        net.detachNetworkInterface(attachment, false);
        NetworkInterface detached = describe(eni);
        assertThat(detached.status()).isEqualTo("available");
        assertThat(detached.attachment()).isEmpty();
        assertThat(net.describeInstance(INSTANCE_M5_LARGE).networkInterfaces()).hasSize(1);
        assertCode(Ec2Error.INVALID_ATTACHMENT_ID_NOT_FOUND, () -> net.detachNetworkInterface(attachment, false));
    }

    @Test
    void thePrimaryInterfaceCannotBeDetachedOrDeleted() {
        NetworkInterface primary = net.describeInstance(INSTANCE_M5_LARGE).networkInterfaces().getFirst();
        String attachment = primary.attachment().orElseThrow().attachmentId();
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.detachNetworkInterface(attachment, true));
        assertCode(Ec2Error.INVALID_NETWORK_INTERFACE_IN_USE, () -> net.deleteNetworkInterface(primary.id()));
        assertThat(describe(primary.id()).status()).isEqualTo("in-use");
    }

    @Test
    void deleteRefusesAnAttachedInterfaceAndReleasesEverythingOnceDetached() {
        long before = subnet(POD_SUBNET_A).availableIpAddressCount();
        String eni = create(POD_SUBNET_A).id();
        String attachment = net.attachNetworkInterface(eni, INSTANCE_M5_LARGE, 1);
        net.assignPrivateIpAddresses(eni, 3);
        net.assignIpv4Prefixes(eni, 2);
        assertThat(subnet(POD_SUBNET_A).availableIpAddressCount()).isEqualTo(before - 1 - 3 - 32);
        assertCode(Ec2Error.INVALID_NETWORK_INTERFACE_IN_USE, () -> net.deleteNetworkInterface(eni));
        net.detachNetworkInterface(attachment, false);
        net.deleteNetworkInterface(eni);
        assertThat(subnet(POD_SUBNET_A).availableIpAddressCount()).isEqualTo(before);
        assertCode(Ec2Error.INVALID_NETWORK_INTERFACE_ID_NOT_FOUND, () -> net.describeNetworkInterfaces(EniFilter.ids(eni)));
        assertCode(Ec2Error.INVALID_NETWORK_INTERFACE_ID_NOT_FOUND, () -> net.deleteNetworkInterface(eni));
    }

    // ---- addresses ---------------------------------------------------------------------------------------------

    @Test
    void m5LargeInterfaceHoldsNineSecondaryAddresses() {
        String eni = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        long before = subnet(POD_SUBNET_A).availableIpAddressCount();
        assertCode(Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED, () -> net.assignPrivateIpAddresses(eni, 10));
        assertThat(describe(eni).secondaryIpv4()).isEmpty();
        List<String> assigned = net.assignPrivateIpAddresses(eni, 9);
        assertThat(assigned).hasSize(9).doesNotHaveDuplicates()
                .allSatisfy(ip -> assertThat(inside(ip, "100.64.0.0/18")).isTrue());
        assertThat(describe(eni).secondaryIpv4()).containsExactlyInAnyOrderElementsOf(assigned);
        assertThat(subnet(POD_SUBNET_A).availableIpAddressCount()).isEqualTo(before - 9);
        assertCode(Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED, () -> net.assignPrivateIpAddresses(eni, 1));
    }

    @Test
    void t3MediumTakesThreeInterfacesOfSixAddresses() {
        NetworkInterface primary = net.describeInstance(INSTANCE_T3_MEDIUM).networkInterfaces().getFirst();
        assertThat(net.assignPrivateIpAddresses(primary.id(), 5)).hasSize(5);
        assertCode(Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED, () -> net.assignPrivateIpAddresses(primary.id(), 1));
        net.attachNetworkInterface(create(NODE_SUBNET_C).id(), INSTANCE_T3_MEDIUM, 1);
        net.attachNetworkInterface(create(NODE_SUBNET_C).id(), INSTANCE_T3_MEDIUM, 2);
        String fourth = create(NODE_SUBNET_C).id();
        assertCode(Ec2Error.ATTACHMENT_LIMIT_EXCEEDED, () -> net.attachNetworkInterface(fourth, INSTANCE_T3_MEDIUM, 3));
    }

    @Test
    void assignRefusesANonPositiveCountAndAnUnknownInterface() {
        String eni = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignPrivateIpAddresses(eni, 0));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv4Prefixes(eni, -1));
        assertCode(Ec2Error.INVALID_NETWORK_INTERFACE_ID_NOT_FOUND,
                () -> net.assignPrivateIpAddresses("eni-0fffffffffffffff0", 1));
        assertCode(Ec2Error.INVALID_NETWORK_INTERFACE_ID_MALFORMED, () -> net.assignPrivateIpAddresses("nic-1", 1));
    }

    @Test
    void assignByAddressRefusesAnAddressInUseUnlessReassignmentIsAllowed() {
        String first = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        String second = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 2);
        String address = freeAddressIn(POD_SUBNET_A);
        assertThat(net.assignPrivateIpAddresses(first, List.of(address), false)).containsExactly(address);
        assertCode(Ec2Error.INVALID_IP_ADDRESS_IN_USE,
                () -> net.assignPrivateIpAddresses(second, List.of(address), false));
        assertThat(describe(second).secondaryIpv4()).isEmpty();
        net.assignPrivateIpAddresses(second, List.of(address), true);
        assertThat(describe(second).secondaryIpv4()).containsExactly(address);
        assertThat(describe(first).secondaryIpv4()).isEmpty();
    }

    @Test
    void unassignGivesAddressesBackAndRefusesOnesTheInterfaceDoesNotHold() {
        String eni = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        List<String> assigned = net.assignPrivateIpAddresses(eni, 4);
        long held = subnet(POD_SUBNET_A).availableIpAddressCount();
        net.unassignPrivateIpAddresses(eni, assigned.subList(0, 2));
        assertThat(describe(eni).secondaryIpv4()).containsExactlyInAnyOrderElementsOf(assigned.subList(2, 4));
        assertThat(subnet(POD_SUBNET_A).availableIpAddressCount()).isEqualTo(held + 2);
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.unassignPrivateIpAddresses(eni, assigned.subList(0, 1)));
        assertThat(describe(eni).secondaryIpv4()).hasSize(2);
    }

    @Test
    void prefixesOnM5LargeAreAlignedSlashTwentyEightsWithinTheLimit() {
        String eni = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        long before = subnet(POD_SUBNET_A).availableIpAddressCount();
        List<String> prefixes = net.assignIpv4Prefixes(eni, 9);
        assertThat(prefixes).hasSize(9).doesNotHaveDuplicates().allSatisfy(p -> {
            Cidr cidr = Cidr.parse(p); // refuses host bits, so it is aligned
            assertThat(cidr.prefixLength()).isEqualTo(28);
            assertThat(Cidr.parse("100.64.0.0/18").contains(cidr)).isTrue();
        });
        assertThat(describe(eni).ipv4Prefixes()).containsExactlyInAnyOrderElementsOf(prefixes);
        assertThat(subnet(POD_SUBNET_A).availableIpAddressCount()).isEqualTo(before - 9 * 16);
        assertCode(Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED, () -> net.assignIpv4Prefixes(eni, 1));
        assertCode(Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED, () -> net.assignPrivateIpAddresses(eni, 1));
        net.unassignIpv4Prefixes(eni, List.of(prefixes.getFirst()));
        assertThat(subnet(POD_SUBNET_A).availableIpAddressCount()).isEqualTo(before - 8 * 16);
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.unassignIpv4Prefixes(eni, List.of(prefixes.getFirst())));
    }

    @Test
    void ipv6PrefixesComeFromTheSubnetsSlashSixtyFour() {
        String eni = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        List<String> prefixes = net.assignIpv6Prefixes(eni, 2);
        assertThat(prefixes).hasSize(2).doesNotHaveDuplicates().allSatisfy(p -> {
            Cidr cidr = Cidr.parse(p);
            assertThat(cidr.prefixLength()).isEqualTo(80);
            assertThat(Cidr.parse("2600:1f18:1234:5610::/64").contains(cidr)).isTrue();
        });
        assertThat(describe(eni).ipv6Prefixes()).containsExactlyInAnyOrderElementsOf(prefixes);
        net.unassignIpv6Prefixes(eni, List.of(prefixes.get(0)));
        assertThat(describe(eni).ipv6Prefixes()).containsExactly(prefixes.get(1));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.unassignIpv6Prefixes(eni, List.of(prefixes.get(0))));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv6Prefixes(eni, 0));
    }

    @Test
    void namedIpv4PrefixesAreAssignedAsAskedAndAgainWithoutChange() {
        String eni = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        List<String> wanted = freePrefixesIn(POD_SUBNET_A, 2);
        long before = subnet(POD_SUBNET_A).availableIpAddressCount();
        assertThat(net.assignIpv4Prefixes(eni, wanted)).containsExactlyElementsOf(wanted);
        assertThat(describe(eni).ipv4Prefixes()).containsExactlyInAnyOrderElementsOf(wanted);
        assertThat(subnet(POD_SUBNET_A).availableIpAddressCount()).isEqualTo(before - 2 * 16);
        // an agent that restarts asks for its prefixes again
        assertThat(net.assignIpv4Prefixes(eni, wanted)).containsExactlyElementsOf(wanted);
        assertThat(subnet(POD_SUBNET_A).availableIpAddressCount()).isEqualTo(before - 2 * 16);
        net.unassignIpv4Prefixes(eni, wanted);
        assertThat(subnet(POD_SUBNET_A).availableIpAddressCount()).isEqualTo(before);
    }

    @Test
    void namedIpv4PrefixesMustBeAlignedSlashTwentyEightsOfTheSubnet() {
        String eni = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        String good = freePrefixesIn(POD_SUBNET_A, 1).getFirst();
        String base = good.substring(0, good.lastIndexOf('.'));
        int last = Integer.parseInt(good.substring(good.lastIndexOf('.') + 1, good.indexOf('/')));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv4Prefixes(eni, List.of(
                base + "." + (last + 8) + "/28")));                                  // not aligned
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv4Prefixes(eni, List.of(base + "." + last + "/29")));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv4Prefixes(eni, List.of("100.64.64.0/28")));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv4Prefixes(eni, List.of("100.64.0.0/28")));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv4Prefixes(eni, List.of("2600:1f18:1234:5610:1::/80")));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv4Prefixes(eni, List.of("not-a-prefix")));
        // one bad prefix and nothing is assigned
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv4Prefixes(eni, List.of(good, "100.64.0.0/28")));
        assertThat(describe(eni).ipv4Prefixes()).isEmpty();
    }

    @Test
    void aNamedIpv4PrefixHeldByAnotherInterfaceOrOverlappingAnAddressIsRefused() {
        String first = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        String second = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 2);
        List<String> prefixes = freePrefixesIn(POD_SUBNET_A, 2);
        net.assignIpv4Prefixes(first, List.of(prefixes.get(0)));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv4Prefixes(second, List.of(prefixes.get(0))));
        String inside = Cidr.parse(prefixes.get(1)).subnet(32, 5).firstAddress();
        net.assignPrivateIpAddresses(first, List.of(inside), false);
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv4Prefixes(second, List.of(prefixes.get(1))));
        assertThat(describe(second).ipv4Prefixes()).isEmpty();
        assertThat(describe(first).ipv4Prefixes()).containsExactly(prefixes.get(0));
    }

    @Test
    void namedIpv4PrefixesCountAgainstTheInstanceTypesLimit() {
        String eni = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        net.assignIpv4Prefixes(eni, 8);
        List<String> two = freePrefixesIn(POD_SUBNET_A, 2);
        assertCode(Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED, () -> net.assignIpv4Prefixes(eni, two));
        assertThat(describe(eni).ipv4Prefixes()).hasSize(8);
        assertThat(net.assignIpv4Prefixes(eni, two.subList(0, 1))).containsExactly(two.getFirst());
    }

    @Test
    void namedIpv6PrefixesAreAssignedAsAskedAndMustBeFreeSlashEightiesOfTheSubnet() {
        String first = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        String second = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 2);
        List<String> wanted = List.of("2600:1f18:1234:5610:7::/80", "2600:1f18:1234:5610:8::/80");
        assertThat(net.assignIpv6Prefixes(first, wanted)).containsExactlyElementsOf(wanted);
        assertThat(describe(first).ipv6Prefixes()).containsExactlyInAnyOrderElementsOf(wanted);
        assertThat(net.assignIpv6Prefixes(first, wanted)).containsExactlyElementsOf(wanted);
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv6Prefixes(second, wanted.subList(0, 1)));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE,
                () -> net.assignIpv6Prefixes(second, List.of("2600:1f18:1234:5610::/80")));     // holds reserved addresses
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE,
                () -> net.assignIpv6Prefixes(second, List.of("2600:1f18:1234:56ff:1::/80")));   // another /64
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE,
                () -> net.assignIpv6Prefixes(second, List.of("2600:1f18:1234:5610:9::1/80")));  // not aligned
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE,
                () -> net.assignIpv6Prefixes(second, List.of("2600:1f18:1234:5610:9::/96")));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> net.assignIpv6Prefixes(second, List.of("100.64.1.0/28")));
        assertThat(describe(second).ipv6Prefixes()).isEmpty();
    }

    @Test
    void namedIpv6PrefixesCountAgainstTheInstanceTypesLimit() {
        String eni = attachedEni(POD_SUBNET_A, INSTANCE_M5_LARGE, 1);
        net.assignIpv6Prefixes(eni, 9);
        List<String> two = List.of("2600:1f18:1234:5610:ffe0::/80", "2600:1f18:1234:5610:ffe1::/80");
        assertThat(describe(eni).ipv6Prefixes()).doesNotContainAnyElementsOf(two);
        assertCode(Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED, () -> net.assignIpv6Prefixes(eni, two));
        assertThat(describe(eni).ipv6Prefixes()).hasSize(9);
        assertThat(net.assignIpv6Prefixes(eni, two.subList(0, 1))).containsExactly(two.getFirst());
    }

    // ---- filters -------------------------------------------------------------------------------------------------

    @Test
    void describeNetworkInterfacesFiltersByIdInstanceStatusSubnetAndTags() {
        String tagged = create(POD_SUBNET_A).id();
        String other = net.createNetworkInterface(new CreateEni(POD_SUBNET_B, List.of(), "", Map.of("a", "b"))).id();
        net.attachNetworkInterface(tagged, INSTANCE_M5_LARGE, 1);

        assertThat(ids(EniFilter.tagged(POD_TAGS))).containsExactly(tagged);
        assertThat(ids(EniFilter.tagged(Map.of("podnet.dev/owned", "true", "a", "b")))).isEmpty();
        assertThat(ids(EniFilter.ids(tagged, other))).containsExactlyInAnyOrder(tagged, other);
        assertThat(ids(EniFilter.attachedTo(INSTANCE_M5_LARGE))).hasSize(2).contains(tagged);
        assertThat(ids(EniFilter.all().withStatus("available"))).containsExactly(other);
        assertThat(ids(EniFilter.attachedTo(INSTANCE_C5_XLARGE).withStatus("in-use"))).hasSize(1);
        assertThat(ids(new EniFilter(List.of(), Optional.empty(), Optional.empty(), Optional.of(POD_SUBNET_B), Map.of())))
                .containsExactly(other);
        assertThat(ids(EniFilter.all())).hasSize(5);
        assertCode(Ec2Error.INVALID_NETWORK_INTERFACE_ID_NOT_FOUND,
                () -> net.describeNetworkInterfaces(EniFilter.ids(tagged, "eni-0fffffffffffffff0")));
        assertCode(Ec2Error.INVALID_NETWORK_INTERFACE_ID_MALFORMED,
                () -> net.describeNetworkInterfaces(EniFilter.ids("interface-1")));
    }
}
