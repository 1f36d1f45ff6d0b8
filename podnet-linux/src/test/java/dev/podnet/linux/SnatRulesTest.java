package dev.podnet.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The iptables-restore input of the VPC CNI's SNAT, from what iptables-save shows. */
class SnatRulesTest {
    private static final SnatRules RULES = new SnatRules(SnatRules.CHAIN, "10.0.32.10",
            List.of("10.0.0.0/16", "100.64.0.0/16"), List.of("192.168.0.0/16"));
    private static final String EMPTY = """
            *nat
            :PREROUTING ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            COMMIT
            """;
    private static final String INSTALLED = """
            *nat
            :PREROUTING ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            :PODNET-SNAT - [0:0]
            -A POSTROUTING -m comment --comment "podnet SNAT" -j PODNET-SNAT
            -A POSTROUTING -m comment --comment "podnet SNAT" -j PODNET-SNAT
            -A POSTROUTING -j KUBE-POSTROUTING
            -A PODNET-SNAT -d 10.0.0.0/16 -j RETURN
            COMMIT
            """;

    @Test
    void aFreshNodeGetsTheChainReturnsForVpcAndExcludedBlocksTheSnatAndOneJump() {
        assertThat(RULES.install(EMPTY)).isEqualTo("""
                *nat
                :PODNET-SNAT - [0:0]
                -A PODNET-SNAT -d 10.0.0.0/16 -m comment --comment "podnet SNAT: VPC CIDR" -j RETURN
                -A PODNET-SNAT -d 100.64.0.0/16 -m comment --comment "podnet SNAT: VPC CIDR" -j RETURN
                -A PODNET-SNAT -d 192.168.0.0/16 -m comment --comment "podnet SNAT: AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS" -j RETURN
                -A PODNET-SNAT -m comment --comment "podnet SNAT: off the VPC" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 10.0.32.10 --random-fully
                -A POSTROUTING -m comment --comment "podnet SNAT" -j PODNET-SNAT
                COMMIT
                """);
    }

    @Test
    void aRebuildAfterACrashKeepsExactlyOneJumpAndLeavesOthersRulesAlone() {
        String text = RULES.install(INSTALLED);
        assertThat(text).doesNotContain("-A POSTROUTING").doesNotContain("KUBE")
                .contains("-D POSTROUTING -m comment --comment \"podnet SNAT\" -j PODNET-SNAT\nCOMMIT");
        assertThat(text.lines().filter(l -> l.startsWith("-D "))).hasSize(1);
    }

    @Test
    void uninstallRemovesEveryJumpAndTheChainAndNothingWhenThereIsNone() {
        assertThat(SnatRules.uninstall(INSTALLED, SnatRules.CHAIN)).isEqualTo("""
                *nat
                -D POSTROUTING -m comment --comment "podnet SNAT" -j PODNET-SNAT
                -D POSTROUTING -m comment --comment "podnet SNAT" -j PODNET-SNAT
                -F PODNET-SNAT
                -X PODNET-SNAT
                COMMIT
                """);
        assertThat(SnatRules.uninstall(EMPTY, SnatRules.CHAIN)).isEmpty();
    }

    @Test
    void blocksAreNormalisedAndBadOnesRefusedWithTheirText() {
        SnatRules r = new SnatRules(SnatRules.CHAIN, "10.0.32.10", List.of("10.0.0.0/16"), List.of(" 172.16.5.0/24"));
        assertThat(r.excluded()).containsExactly("172.16.5.0/24");
        assertThatThrownBy(() -> new SnatRules(SnatRules.CHAIN, "10.0.32.10", List.of("10.0.0.0/16"), List.of("nope")))
                .hasMessageContaining("\"nope\"");
        assertThatThrownBy(() -> new SnatRules(SnatRules.CHAIN, "10.0.32.10", List.of(), List.of()))
                .hasMessageContaining("VPC");
        assertThatThrownBy(() -> new SnatRules(SnatRules.CHAIN, "10.0.32.10", List.of("fd00::/56"), List.of()))
                .hasMessageContaining("IPv4");
    }
}
