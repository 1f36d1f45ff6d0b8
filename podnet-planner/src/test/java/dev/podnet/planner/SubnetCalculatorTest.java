package dev.podnet.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.Cidr;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.report.GroupResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubnetCalculatorTest {
    private final InstanceCatalogue catalogue = InstanceCatalogue.bundled();

    /**
     * m5.large (3 ENIs x 9 secondary addresses), 20 pods, WARM_ENI_TARGET=1: the pool grows a whole ENI whenever fewer
     * than 9 addresses are free, so pod 1 brings ENI 2 and pod 11 brings ENI 3: 27 secondaries, 20 used, 7 warm,
     * plus 3 ENI primaries = 30 addresses per node.
     */
    @Test
    void warmEniTargetHandWorked() {
        SubnetCalculator.Result r = SubnetCalculator.calculate(Cidr.parse("10.0.0.0/24"),
                List.of(new SubnetCalculator.NodeSpec(catalogue.get("m5.large"), 8, 20)), WarmPoolConfig.defaults(), 0);
        GroupResult g = r.groups().getFirst();
        assertThat(g.enisPerNode()).isEqualTo(3);
        assertThat(g.activeEnis()).isEqualTo(3);
        assertThat(g.warmEnis()).isZero();
        assertThat(g.slotsPerEni()).containsExactly(9, 9, 9);
        assertThat(g.activeAddresses()).isEqualTo(23);
        assertThat(g.warmAddresses()).isEqualTo(7);
        assertThat(g.heldAddresses()).isEqualTo(30);
        assertThat(r.subnet().usable()).isEqualTo(251);
        assertThat(r.subnet().used()).isEqualTo(240);
        assertThat(r.subnet().remaining()).isEqualTo(11);
        assertThat(r.podsHosted()).isEqualTo(160);
        assertThat(r.fits()).isTrue();
    }

    @Test
    void oneNodeTooManyDoesNotFitAndSaysByHowMuch() {
        SubnetCalculator.Result r = SubnetCalculator.calculate(Cidr.parse("10.0.0.0/24"),
                List.of(new SubnetCalculator.NodeSpec(catalogue.get("m5.large"), 9, 20)), WarmPoolConfig.defaults(), 0);
        assertThat(r.fits()).isFalse();
        assertThat(r.verdict()).isEqualTo("DOES NOT FIT: 270 addresses needed, 251 usable in 10.0.0.0/24 (AWS reserves 5); 19 short");
    }

    /** WARM_IP_TARGET=2, MINIMUM_IP_TARGET=10, 8 pods: short = max(2 - free, 10 - total) gives exactly 10 on the primary ENI. */
    @Test
    void warmIpTargetsHoldOnlyWhatIsAskedFor() {
        WarmPoolConfig config = WarmPoolConfig.builder().warmIpTarget(2).minimumIpTarget(10).build();
        SubnetCalculator.Result r = SubnetCalculator.calculate(Cidr.parse("10.0.0.0/24"),
                List.of(new SubnetCalculator.NodeSpec(catalogue.get("m5.xlarge"), 1, 8)), config, 0);
        GroupResult g = r.groups().getFirst();
        assertThat(g.slotsPerEni()).containsExactly(10);
        assertThat(g.heldAddresses()).isEqualTo(11);
        assertThat(g.warmAddresses()).isEqualTo(2);
    }

    /** Prefix mode, m5.large, 20 pods, WARM_PREFIX_TARGET=1: 2 prefixes hold 16 + 4 and 12 are free (< 16), so a third. */
    @Test
    void prefixModeCountsWholePrefixes() {
        WarmPoolConfig config = WarmPoolConfig.builder().prefixMode(true).build();
        SubnetCalculator.Result r = SubnetCalculator.calculate(Cidr.parse("10.0.0.0/24"),
                List.of(new SubnetCalculator.NodeSpec(catalogue.get("m5.large"), 2, 20)), config, 0);
        GroupResult g = r.groups().getFirst();
        assertThat(g.slotsPerEni()).containsExactly(3);
        assertThat(g.heldAddresses()).isEqualTo(3 * 16 + 1);
        assertThat(r.subnet().used()).isEqualTo(98);
    }

    @Test
    void customNetworkingLeavesThePrimaryEniOutOfThePodSubnet() {
        WarmPoolConfig config = WarmPoolConfig.builder().customNetworking(true).build();
        SubnetCalculator.Result r = SubnetCalculator.calculate(Cidr.parse("100.64.0.0/24"),
                List.of(new SubnetCalculator.NodeSpec(catalogue.get("m5.large"), 1, 5)), config, 0);
        GroupResult g = r.groups().getFirst();
        // ENI 2 holds the 5 pods (9 slots, 4 free < 9), so ENI 3 is attached warm.
        assertThat(g.slotsPerEni()).containsExactly(0, 9, 9);
        assertThat(g.maxPods()).isEqualTo(20);
        assertThat(g.podSubnetAddresses()).isEqualTo(18 + 2);
        assertThat(g.nodeSubnetAddresses()).isEqualTo(1);
        assertThat(g.warmEnis()).isEqualTo(1);
    }

    @Test
    void refusesSubnetsAwsWouldRefuse() {
        assertThatThrownBy(() -> SubnetCalculator.calculate(Cidr.parse("10.0.0.0/15"),
                List.of(new SubnetCalculator.NodeSpec(catalogue.get("m5.large"), 1, 5)), WarmPoolConfig.defaults(), 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("/16 to /28");
        assertThatThrownBy(() -> new SubnetCalculator.NodeSpec(catalogue.get("m5.large"), -1, 5))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("-1");
    }
}
