package dev.podnet.cloud.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Instance-type limits that the default world's Nitro types cannot show, and limits of detached ENIs. */
class VpcEmulatorLimitsTest {

    private final VirtualClock clock = new VirtualClock();
    private final VpcEmulator ec2 = SmallWorld.emulator(clock);

    private String eni() {
        return ec2.createNetworkInterface(new CreateEni(SmallWorld.NODES, List.of(), "", Map.of())).id();
    }

    @Test
    void prefixesNeedANitroInstance() {
        String eni = eni();
        ec2.attachNetworkInterface(eni, SmallWorld.XEN, 1);
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> ec2.assignIpv4Prefixes(eni, 1));
        assertThat(ec2.assignPrivateIpAddresses(eni, 9)).hasSize(9); // m4.large: 10 per ENI
    }

    @Test
    void aDetachedInterfaceMeetsTheLimitsWhenItIsAttached() {
        String withPrefix = eni();
        assertThat(ec2.assignIpv4Prefixes(withPrefix, 1)).hasSize(1);
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> ec2.attachNetworkInterface(withPrefix, SmallWorld.XEN, 1));
        ec2.attachNetworkInterface(withPrefix, SmallWorld.NITRO, 1);

        String crowded = eni();
        assertThat(ec2.assignPrivateIpAddresses(crowded, 12)).hasSize(12);
        assertCode(Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED,
                () -> ec2.attachNetworkInterface(crowded, SmallWorld.NITRO, 2));
        assertThat(ec2.describeNetworkInterfaces(EniFilter.ids(crowded)).getFirst().status()).isEqualTo("available");
        ec2.unassignPrivateIpAddresses(crowded,
                ec2.describeNetworkInterfaces(EniFilter.ids(crowded)).getFirst().secondaryIpv4().subList(0, 3));
        ec2.attachNetworkInterface(crowded, SmallWorld.NITRO, 2);
    }

    @Test
    void ipv6PrefixesNeedASubnetWithIpv6() {
        String eni = eni();
        ec2.attachNetworkInterface(eni, SmallWorld.NITRO, 1);
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> ec2.assignIpv6Prefixes(eni, 1));
    }

    @Test
    void reassignmentDoesNotTakeAnotherInterfacesPrimaryAddressOrPrefix() {
        String owner = eni();
        String primary = ec2.describeNetworkInterfaces(EniFilter.ids(owner)).getFirst().primaryIpv4();
        String prefix = ec2.assignIpv4Prefixes(owner, 1).getFirst();
        String inPrefix = prefix.substring(0, prefix.lastIndexOf('.') + 1)
                + (Integer.parseInt(prefix.substring(prefix.lastIndexOf('.') + 1, prefix.indexOf('/'))) + 5);
        String taker = eni();
        assertCode(Ec2Error.INVALID_IP_ADDRESS_IN_USE, () -> ec2.assignPrivateIpAddresses(taker, List.of(primary), true));
        assertCode(Ec2Error.INVALID_IP_ADDRESS_IN_USE, () -> ec2.assignPrivateIpAddresses(taker, List.of(inPrefix), true));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> ec2.assignPrivateIpAddresses(taker, List.of("10.2.0.9"), true));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> ec2.assignPrivateIpAddresses(taker, List.of("10.1.0.300"), true));
        assertThat(ec2.describeNetworkInterfaces(EniFilter.ids(taker)).getFirst().secondaryIpv4()).isEmpty();
    }

    @Test
    void anUnknownSubnetOrMissingIdIsRefusedWithEc2sCodes() {
        assertCode(Ec2Error.INVALID_SUBNET_ID_NOT_FOUND, () -> ec2.describeSubnets(List.of("subnet-00000000000000009")));
        assertCode(Ec2Error.MISSING_PARAMETER, () -> ec2.assignPrivateIpAddresses(null, 1));
        assertCode(Ec2Error.MISSING_PARAMETER, () -> ec2.describeInstance(null));
        assertCode(Ec2Error.MISSING_PARAMETER, () -> ec2.describeInstances(java.util.Arrays.asList(SmallWorld.XEN, null)));
        assertCode(Ec2Error.INVALID_INSTANCE_ID_MALFORMED, () -> ec2.attachNetworkInterface(eni(), "vm-1", 1));
    }

    @Test
    void theCallLogCountsEveryOutcome() {
        String eni = eni();
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> ec2.assignPrivateIpAddresses(eni, 0));
        ec2.assignPrivateIpAddresses(eni, 1);
        assertThat(ec2.calls().count("AssignPrivateIpAddresses")).isEqualTo(2);
        assertThat(ec2.calls().count("AssignPrivateIpAddresses", "InvalidParameterValue")).isEqualTo(1);
        assertThat(ec2.calls().snapshot()).containsEntry("CreateNetworkInterface", Map.of("ok", 1L));
        assertThat(ec2.calls().total()).isEqualTo(3);
    }

    private static void assertCode(Ec2Error error, ThrowingCallable call) {
        CloudException e = catchThrowableOfType(CloudException.class, call);
        assertThat(e).as("expected %s", error.code()).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(error.code());
    }
}
