package dev.podnet.cloud.sim;

import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_M5_LARGE;
import static dev.podnet.cloud.sim.DefaultWorld.POD_SUBNET_A;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.CloudNetworkContract;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract in-process, plus what only the emulator has: throttling, faults and delays in virtual time. */
class VpcEmulatorContractTest extends CloudNetworkContract {

    private final VirtualClock clock = new VirtualClock();

    @Override
    protected CloudNetwork network() {
        return VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock)
                .throttle(ThrottleConfig.UNLIMITED).build();
    }

    private VpcEmulator emulator(ThrottleConfig throttle) {
        return VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock).throttle(throttle).build();
    }

    private static CreateEni podEni() {
        return new CreateEni(POD_SUBNET_A, List.of(), "", Map.of());
    }

    @Test
    void drainedMutatingBucketThrottlesUntilTimeRefillsIt() {
        VpcEmulator ec2 = emulator(ThrottleConfig.EC2_DEFAULT);
        for (int i = 0; i < 50; i++) {
            ec2.createNetworkInterface(podEni());
        }
        assertCode(Ec2Error.REQUEST_LIMIT_EXCEEDED, () -> ec2.createNetworkInterface(podEni()));
        // a throttled call changes nothing, and Describe* has its own bucket
        assertThat(ec2.describeNetworkInterfaces(EniFilter.all())).hasSize(3 + 50);

        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 5; i++) {
            ec2.createNetworkInterface(podEni());
        }
        assertCode(Ec2Error.REQUEST_LIMIT_EXCEEDED, () -> ec2.createNetworkInterface(podEni()));
        assertThat(ec2.calls().count("CreateNetworkInterface", "ok")).isEqualTo(55);
        assertThat(ec2.calls().throttled()).isEqualTo(2);
        assertThat(new CloudException(Ec2Error.REQUEST_LIMIT_EXCEEDED, "").retryable()).isTrue();
    }

    @Test
    void describeBucketHoldsAHundredCallsAndRefillsAtTwentyPerSecond() {
        VpcEmulator ec2 = emulator(ThrottleConfig.EC2_DEFAULT);
        for (int i = 0; i < 100; i++) {
            ec2.describeSubnets(List.of());
        }
        assertCode(Ec2Error.REQUEST_LIMIT_EXCEEDED, () -> ec2.describeInstance(INSTANCE_M5_LARGE));
        clock.advance(Duration.ofMillis(500));
        for (int i = 0; i < 10; i++) {
            ec2.describeInstance(INSTANCE_M5_LARGE);
        }
        assertCode(Ec2Error.REQUEST_LIMIT_EXCEEDED, () -> ec2.describeInstance(INSTANCE_M5_LARGE));
        ec2.createNetworkInterface(podEni()); // the mutating bucket is still full
        assertThat(ec2.calls().count("DescribeInstances", "RequestLimitExceeded")).isEqualTo(2);
    }

    @Test
    void injectedFaultsFailTheNextCallsBeforeTouchingState() {
        VpcEmulator ec2 = emulator(ThrottleConfig.UNLIMITED);
        String eni = ec2.createNetworkInterface(podEni()).id();
        ec2.faults().inject("AttachNetworkInterface", Ec2Error.UNAVAILABLE, 2);
        assertCode(Ec2Error.UNAVAILABLE, () -> ec2.attachNetworkInterface(eni, INSTANCE_M5_LARGE, 1));
        assertCode(Ec2Error.UNAVAILABLE, () -> ec2.attachNetworkInterface(eni, INSTANCE_M5_LARGE, 1));
        assertThat(ec2.describeNetworkInterfaces(EniFilter.ids(eni)).getFirst().status()).isEqualTo("available");
        ec2.attachNetworkInterface(eni, INSTANCE_M5_LARGE, 1);
        assertThat(ec2.calls().count("AttachNetworkInterface", "Unavailable")).isEqualTo(2);
        assertThat(ec2.calls().count("AttachNetworkInterface", CallLog.OK)).isEqualTo(1);

        ec2.faults().inject("AssignPrivateIpAddresses", Ec2Error.INTERNAL_ERROR, 1);
        assertCode(Ec2Error.INTERNAL_ERROR, () -> ec2.assignIpv4Prefixes(eni, 1)); // prefixes are the same action
        assertThat(ec2.describeNetworkInterfaces(EniFilter.ids(eni)).getFirst().ipv4Prefixes()).isEmpty();
        assertThat(ec2.assignIpv4Prefixes(eni, 1)).hasSize(1);
    }

    @Test
    void throttlingComesBeforeFaultsSoAThrottledCallDoesNotUseOneUp() {
        VpcEmulator ec2 = emulator(new ThrottleConfig(new ThrottleConfig.Bucket(1, 0), ThrottleConfig.Bucket.UNLIMITED));
        ec2.createNetworkInterface(podEni());
        ec2.faults().inject("CreateNetworkInterface", Ec2Error.UNAVAILABLE, 1);
        assertCode(Ec2Error.REQUEST_LIMIT_EXCEEDED, () -> ec2.createNetworkInterface(podEni()));
        assertThat(ec2.calls().count("CreateNetworkInterface", "Unavailable")).isZero();
    }

    @Test
    void faultRatesAreRepeatableForASeedAndClearable() {
        List<String> first = outcomes(7);
        assertThat(first).contains("ok", "Unavailable");
        assertThat(outcomes(7)).isEqualTo(first);

        VpcEmulator ec2 = emulator(ThrottleConfig.UNLIMITED);
        ec2.faults().injectRate("DescribeSubnets", Ec2Error.UNAVAILABLE, 1.0);
        assertCode(Ec2Error.UNAVAILABLE, () -> ec2.describeSubnets(List.of()));
        ec2.faults().clear();
        assertThat(ec2.describeSubnets(List.of())).hasSize(6);
    }

    private List<String> outcomes(long seed) {
        VpcEmulator ec2 = VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock)
                .throttle(ThrottleConfig.UNLIMITED).seed(seed).build();
        ec2.faults().injectRate("DescribeSubnets", Ec2Error.UNAVAILABLE, 0.5);
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            try {
                ec2.describeSubnets(List.of());
                outcomes.add("ok");
            } catch (CloudException e) {
                outcomes.add(e.code());
            }
        }
        return outcomes;
    }

    @Test
    void faultsRefuseUnknownActionNames() {
        VpcEmulator ec2 = emulator(ThrottleConfig.UNLIMITED);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ec2.faults().inject("AssignIpv4Prefixes", Ec2Error.UNAVAILABLE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AssignIpv4Prefixes");
    }

    @Test
    void attachmentReadsAttachingUntilTheDelayHasPassed() {
        VpcEmulator ec2 = VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock)
                .throttle(ThrottleConfig.UNLIMITED).attachDelay(Duration.ofSeconds(5)).build();
        String eni = ec2.createNetworkInterface(podEni()).id();
        ec2.attachNetworkInterface(eni, INSTANCE_M5_LARGE, 1);
        NetworkInterface attaching = ec2.describeNetworkInterfaces(EniFilter.ids(eni)).getFirst();
        assertThat(attaching.status()).isEqualTo("attaching");
        assertThat(attaching.attachment().orElseThrow().status()).isEqualTo("attaching");
        clock.advance(Duration.ofMillis(4999));
        assertThat(ec2.describeNetworkInterfaces(EniFilter.ids(eni)).getFirst().status()).isEqualTo("attaching");
        clock.advance(Duration.ofMillis(1));
        NetworkInterface attached = ec2.describeNetworkInterfaces(EniFilter.ids(eni)).getFirst();
        assertThat(attached.status()).isEqualTo("in-use");
        assertThat(attached.attachment().orElseThrow().status()).isEqualTo("attached");
    }

    @Test
    void callLatencyIsSleptOnTheInjectedSleeperAfterThrottleAndFaults() {
        VpcEmulator ec2 = VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock)
                .throttle(ThrottleConfig.UNLIMITED).callLatency(Duration.ofMillis(200)).build();
        var start = clock.instant();
        ec2.describeSubnets(List.of());
        ec2.createNetworkInterface(podEni());
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofMillis(400));
        ec2.faults().inject("DescribeSubnets", Ec2Error.UNAVAILABLE, 1);
        assertCode(Ec2Error.UNAVAILABLE, () -> ec2.describeSubnets(List.of()));
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void describeInstancesAnswersAllOrTheOnesAsked() {
        VpcEmulator ec2 = emulator(ThrottleConfig.UNLIMITED);
        assertThat(ec2.describeInstances(List.of())).extracting(i -> i.instanceType())
                .containsExactly("m5.large", "c5.xlarge", "t3.medium");
        assertThat(ec2.describeInstances(List.of(DefaultWorld.INSTANCE_T3_MEDIUM))).hasSize(1);
        assertCode(Ec2Error.INVALID_INSTANCE_ID_NOT_FOUND, () -> ec2.describeInstances(List.of("i-0123456789abcdef0")));
    }

    @Test
    void theSameSeedGivesTheSameIdsMacsAndAddresses() {
        assertThat(fingerprint(3)).isEqualTo(fingerprint(3)).isNotEqualTo(fingerprint(4));
    }

    private List<String> fingerprint(long seed) {
        VpcEmulator ec2 = VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock)
                .throttle(ThrottleConfig.UNLIMITED).seed(seed).build();
        NetworkInterface eni = ec2.createNetworkInterface(podEni());
        String attachment = ec2.attachNetworkInterface(eni.id(), INSTANCE_M5_LARGE, 1);
        List<String> all = new ArrayList<>(List.of(eni.id(), eni.macAddress(), eni.primaryIpv4(), attachment));
        all.addAll(ec2.assignPrivateIpAddresses(eni.id(), 3));
        all.addAll(ec2.assignIpv4Prefixes(eni.id(), 2));
        all.addAll(ec2.assignIpv6Prefixes(eni.id(), 2));
        return all;
    }

    @Test
    void scatteredSingleAddressesLeaveNoAlignedPrefixWhileAddressesRemain() {
        VpcEmulator ec2 = SmallWorld.emulator(clock);
        // detached, so no per-ENI limit applies: the subnet is the only bound
        String eni = ec2.createNetworkInterface(new CreateEni(SmallWorld.SMALL, List.of(), "", Map.of())).id();
        int singles = 1;
        while (anAlignedPrefixIsFree(ec2, eni)) {
            ec2.assignPrivateIpAddresses(eni, 1);
            singles++;
        }
        long left = ec2.describeSubnets(List.of(SmallWorld.SMALL)).getFirst().availableIpAddressCount();
        assertThat(left).isEqualTo(59 - singles).isPositive();
        assertCode(Ec2Error.INSUFFICIENT_CIDR_BLOCKS, () -> ec2.assignIpv4Prefixes(eni, 1));
        assertThat(ec2.describeSubnets(List.of(SmallWorld.SMALL)).getFirst().availableIpAddressCount()).isEqualTo(left);
        assertThat(ec2.assignPrivateIpAddresses(eni, (int) left)).hasSize((int) left);
    }

    /** Whether .16/28 or .32/28 of 10.1.1.0/26 (the only ones without reserved addresses) holds no address yet. */
    private static boolean anAlignedPrefixIsFree(VpcEmulator ec2, String eni) {
        NetworkInterface e = ec2.describeNetworkInterfaces(EniFilter.ids(eni)).getFirst();
        List<String> held = new ArrayList<>(e.secondaryIpv4());
        held.add(e.primaryIpv4());
        List<Integer> lastOctets = held.stream().map(a -> Integer.parseInt(a.substring(a.lastIndexOf('.') + 1))).toList();
        return lastOctets.stream().noneMatch(o -> o >= 16 && o < 32) || lastOctets.stream().noneMatch(o -> o >= 32 && o < 48);
    }

    @Test
    void aFullSubnetRefusesAddressesInterfacesAndPrefixes() {
        VpcEmulator ec2 = SmallWorld.emulator(clock);
        String eni = ec2.createNetworkInterface(new CreateEni(SmallWorld.TINY, List.of(), "", Map.of())).id();
        assertCode(Ec2Error.INSUFFICIENT_CIDR_BLOCKS, () -> ec2.assignIpv4Prefixes(eni, 1));
        assertCode(Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET, () -> ec2.assignPrivateIpAddresses(eni, 11));
        assertThat(ec2.assignPrivateIpAddresses(eni, 10)).hasSize(10)
                .allSatisfy(a -> assertThat(inside(a, "10.1.2.0/28")).isTrue())
                .doesNotContain("10.1.2.0", "10.1.2.1", "10.1.2.2", "10.1.2.3", "10.1.2.15");
        assertThat(ec2.describeSubnets(List.of(SmallWorld.TINY)).getFirst().availableIpAddressCount()).isZero();
        assertCode(Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET, () -> ec2.assignPrivateIpAddresses(eni, 1));
        assertCode(Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET, () -> ec2.assignIpv4Prefixes(eni, 1));
        assertCode(Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET,
                () -> ec2.createNetworkInterface(new CreateEni(SmallWorld.TINY, List.of(), "", Map.of())));
        assertCode(Ec2Error.INVALID_PARAMETER_VALUE, () -> ec2.assignPrivateIpAddresses(eni, List.of("10.1.2.3"), true));
    }
}
