package dev.podnet.vpcsim.fabric;

import dev.podnet.linux.Iptables.Family;
import dev.podnet.linux.IptablesRules;
import java.util.List;

/**
 * The router's filter table: what AWS enforces on every packet an ENI sends. Each router veth has a chain of its own
 * (named as the veth), which both INPUT (packets to the gateway) and FORWARD (everything else) jump to:
 * a frame from a MAC that is not the ENI's is dropped, then a packet whose source is one of the ENI's addresses or
 * prefixes returns, and anything else is dropped (the source/destination check). Packets between two ENIs of one
 * instance cross the router too, so they meet the same rules.
 */
final class FabricFilter {
    /**
     * IPv6 sources every ENI may use: its link-local addresses (neighbour discovery with the router, which never
     * forwards them) and the unspecified address (duplicate address detection).
     */
    private static final List<String> IPV6_LINK_ONLY = List.of("fe80::/10", "::/128");

    private FabricFilter() {
    }

    static IptablesRules rules(FabricPlan plan, Family family) {
        IptablesRules rules = new IptablesRules().table("filter")
                .chain("INPUT", "ACCEPT").chain("FORWARD", "ACCEPT").chain("OUTPUT", "ACCEPT");
        for (EniPort port : plan.ports().values()) {
            rules.chain(port.routerDevice(), "-");
        }
        for (EniPort port : plan.ports().values()) {
            rules.rule("-A", "INPUT", "-i", port.routerDevice(), "-j", port.routerDevice());
            rules.rule("-A", "FORWARD", "-i", port.routerDevice(), "-j", port.routerDevice());
        }
        for (EniPort port : plan.ports().values()) {
            String chain = port.routerDevice();
            rules.rule("-A", chain, "-m", "mac", "!", "--mac-source", port.mac(), "-j", "DROP");
            List<String> sources = family == Family.IPV4 ? port.ipv4()
                    : java.util.stream.Stream.concat(IPV6_LINK_ONLY.stream(), port.ipv6Prefixes().stream()).toList();
            for (String source : sources) {
                rules.rule("-A", chain, "-s", source, "-j", "RETURN");
            }
            rules.rule("-A", chain, "-j", "DROP");
        }
        return rules.commit();
    }
}
