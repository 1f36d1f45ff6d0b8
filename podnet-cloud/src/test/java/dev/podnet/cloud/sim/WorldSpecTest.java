package dev.podnet.cloud.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorldSpecTest {

    private static final VpcSpec VPC = new VpcSpec("vpc-1", List.of("10.0.0.0/16"), Optional.of("2600:1f18:1::/56"));

    private static SubnetSpec subnet(String id, String cidr) {
        return new SubnetSpec(id, "us-east-1a", cidr, Optional.empty(), Map.of());
    }

    private static WorldSpec world(List<SubnetSpec> subnets, List<InstanceSpec> instances) {
        return new WorldSpec("us-east-1", List.of(VPC), subnets, List.of("sg-1"), instances);
    }

    @Test
    void theDefaultWorldIsValidAndPlacesSubnetsInTheVpc() {
        WorldSpec spec = DefaultWorld.spec();
        assertThat(spec.subnets()).hasSize(6);
        assertThat(spec.vpcOf(spec.subnet(DefaultWorld.POD_SUBNET_C).orElseThrow()).id()).isEqualTo(DefaultWorld.VPC_ID);
        assertThat(spec.defaultSecurityGroup()).isEqualTo(DefaultWorld.SECURITY_GROUP_DEFAULT);
    }

    @Test
    void refusesASubnetOutsideEveryVpc() {
        assertThatThrownBy(() -> world(List.of(subnet("subnet-1", "10.1.0.0/24")), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subnet-1").hasMessageContaining("no VPC");
    }

    @Test
    void refusesOverlappingSubnets() {
        assertThatThrownBy(() -> world(List.of(subnet("subnet-1", "10.0.0.0/24"), subnet("subnet-2", "10.0.0.128/25")),
                List.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlaps subnet subnet-1");
    }

    @Test
    void refusesDuplicateIdsUnknownTypesAndUnknownSubnets() {
        SubnetSpec s = subnet("subnet-1", "10.0.0.0/24");
        assertThatThrownBy(() -> world(List.of(s, subnet("subnet-1", "10.0.1.0/24")), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> world(List.of(s), List.of(new InstanceSpec("i-1", "m5.huge", "subnet-1", List.of()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m5.huge");
        assertThatThrownBy(() -> world(List.of(s), List.of(new InstanceSpec("i-1", "m5.large", "subnet-9", List.of()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subnet-9");
        assertThatThrownBy(() -> world(List.of(s), List.of(new InstanceSpec("i-1", "m5.large", "subnet-1", List.of("sg-9")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sg-9");
    }

    @Test
    void refusesIpv6BlocksThatAreNotSlashSixtyFourInsideTheVpc() {
        assertThatThrownBy(() -> world(List.of(new SubnetSpec("subnet-1", "us-east-1a", "10.0.0.0/24",
                Optional.of("2600:1f18:1::/60"), Map.of())), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/64");
        assertThatThrownBy(() -> world(List.of(new SubnetSpec("subnet-1", "us-east-1a", "10.0.0.0/24",
                Optional.of("2600:1f18:2::/64"), Map.of())), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside VPC");
    }

    @Test
    void refusesMalformedCidrsAndSubnetsSmallerThanEc2Allows() {
        assertThatThrownBy(() -> world(List.of(subnet("subnet-1", "10.0.0.1/24")), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subnet-1").hasMessageContaining("host bits");
        assertThatThrownBy(() -> world(List.of(subnet("subnet-1", "10.0.0.0/29")), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/28");
    }

    @Test
    void anEmulatorRefusesAWorldWhoseSubnetCannotHoldItsInstances() {
        SubnetSpec tiny = subnet("subnet-1", "10.0.0.0/28");
        List<InstanceSpec> twelve = java.util.stream.IntStream.range(0, 12)
                .mapToObj(i -> new InstanceSpec("i-" + i, "t3.nano", "subnet-1", List.of())).toList();
        WorldSpec spec = world(List.of(tiny), twelve);
        assertThatThrownBy(() -> VpcEmulator.builder(spec).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no free address");
    }
}
