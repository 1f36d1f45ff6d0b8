package dev.podnet.agent;

import dev.podnet.linux.Iptables;
import dev.podnet.linux.SnatRules;
import java.util.List;

/**
 * The node's SNAT chain, owned by the agent for as long as it runs: built (or rebuilt, after a crash) at start,
 * removed at a clean stop. With AWS_VPC_K8S_CNI_EXTERNALSNAT=true a chain left by an earlier run is removed and none is
 * built.
 */
final class SnatSetup implements AutoCloseable {
    private final Iptables iptables;
    private final String chain;
    private final List<String> ruleScope;

    private SnatSetup(Iptables iptables, String chain, List<String> ruleScope) {
        this.iptables = iptables;
        this.chain = chain;
        this.ruleScope = List.copyOf(ruleScope);
    }

    /**
     * @param primaryAddress the node's primary private address (the primary ENI's)
     * @param vpcCidrs       the VPC's IPv4 blocks
     */
    static SnatSetup start(Iptables iptables, NodeSetup setup, String primaryAddress, List<String> vpcCidrs) {
        String save = iptables.save("nat");
        if (setup.externalSnat()) {
            iptables.change(SnatRules.uninstall(save, SnatRules.CHAIN));
        } else {
            iptables.change(new SnatRules(SnatRules.CHAIN, primaryAddress, vpcCidrs, setup.excludeSnatCidrs())
                    .install(save));
        }
        return new SnatSetup(iptables, SnatRules.CHAIN, setup.externalSnat() ? List.of() : vpcCidrs);
    }

    /**
     * The destinations a secondary ENI's table is for: with SNAT, the VPC's blocks only, so a pod's traffic off the
     * VPC takes the main table and leaves SNATed from the primary ENI (through ethN with the primary's source EC2
     * would drop it); without (a NAT gateway translates), none, so the ENI's table takes all the pod's traffic.
     */
    List<String> ruleScope() {
        return ruleScope;
    }

    @Override
    public void close() {
        iptables.change(SnatRules.uninstall(iptables.save("nat"), chain));
    }

    @Override
    public String toString() {
        return "SNAT chain " + chain;
    }
}
