package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InvalidInputException;
import dev.podnet.sim.CallBudget;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which targets {@code podnet agent --cloud aws} runs: the VPC CNI's variables, else PODNET_WARM_POLICY. */
class WarmPolicySelectionTest {
    private final VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).build();

    private CloudPoolConfig config(Map<String, String> env) {
        return CloudPoolConfig.vpcCni(cloud, DefaultWorld.INSTANCE_M5_LARGE, "test", env, Optional.empty(),
                (type, warm) -> 29, Duration.ofSeconds(5), false);
    }

    @Test
    void theVpcCniVariablesWinOverThePolicy() {
        CloudPoolConfig c = config(Map.of("WARM_IP_TARGET", "3", WarmPolicySetting.POLICY, "adaptive"));
        assertThat(c.policy()).isEmpty();
        assertThat(c.warm()).isEqualTo(WarmPoolConfig.builder().warmIpTarget(3).build());
    }

    @Test
    void thePolicyAloneIsRunWithTheAccountsDefaultRate() {
        CloudPoolConfig c = config(Map.of(WarmPolicySetting.POLICY, "adaptive"));
        assertThat(c.policy()).contains(new WarmPolicySetting("podnet-adaptive", 5, 50));
        assertThat(c.policy().get().create(CallBudget::tokenBucket, () -> 1).name()).isEqualTo("podnet-adaptive");
    }

    @Test
    void policiesAreNamedAsTheSimulatorNamesThemWithSettingsAndTheAccountsRate() {
        assertThat(config(Map.of(WarmPolicySetting.POLICY, "adaptive:floor=4,cooldown=60",
                WarmPolicySetting.CALL_RATE, "2.5", WarmPolicySetting.CALL_BURST, "20")).policy())
                .contains(new WarmPolicySetting("podnet-adaptive:floor=4,cooldown=60", 2.5, 20));
        assertThat(config(Map.of(WarmPolicySetting.POLICY, "vpc-cni:WARM_IP_TARGET=2")).policy().orElseThrow().spec())
                .isEqualTo("vpc-cni:WARM_IP_TARGET=2");
    }

    @Test
    void theOracleRunsOnlyInTheSimulator() {
        assertThatThrownBy(() -> config(Map.of(WarmPolicySetting.POLICY, "oracle")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("reads the future and runs only in the simulator")
                .hasMessageContaining("podnet-adaptive");
    }

    @Test
    void anUnknownPolicyIsRefusedNamingThePolicies() {
        assertThatThrownBy(() -> config(Map.of(WarmPolicySetting.POLICY, "nope")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("\"nope\" is not registered")
                .hasMessageContaining("vpc-cni").hasMessageContaining("podnet-adaptive");
    }

    @Test
    void badSettingsAndRatesAreRefused() {
        assertThatThrownBy(() -> config(Map.of(WarmPolicySetting.POLICY, "adaptive:floor=zero")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("floor");
        assertThatThrownBy(() -> config(Map.of(WarmPolicySetting.POLICY, "adaptive",
                WarmPolicySetting.CALL_RATE, "0"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(WarmPolicySetting.CALL_RATE);
        assertThatThrownBy(() -> config(Map.of(WarmPolicySetting.POLICY, "adaptive",
                WarmPolicySetting.CALL_BURST, "1.5"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(WarmPolicySetting.CALL_BURST);
    }

    @Test
    void neitherKeepsTodaysDefaults() {
        CloudPoolConfig c = config(Map.of());
        assertThat(c.policy()).isEmpty();
        assertThat(c.warm()).isEqualTo(WarmPoolConfig.defaults());
    }
}
