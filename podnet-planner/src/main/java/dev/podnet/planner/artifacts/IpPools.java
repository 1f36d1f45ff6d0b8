package dev.podnet.planner.artifacts;

import dev.podnet.net.Cidr;
import dev.podnet.planner.report.Artifact;
import java.util.List;

/** podnet's IPPool objects for the dual-stack underlay: one pool of /28 and /80 prefixes per planned node. */
final class IpPools {
    static final String PATH = "ippools.yaml";

    private IpPools() {
    }

    static Artifact artifact(PlanView in) {
        List<Object> pools = PodPrefixes.of(in).slots().stream().map(IpPools::pool).toList();
        String header = in.origin() + "\n"
                + "One IPPool per planned node. The podnet agent on a starting node claims a free slot (spec.nodeSlot)\n"
                + "of its node group and zone, assigns the pool's prefixes to eth1 and releases the slot when the node\n"
                + "leaves, so pools outlive nodes and addresses never overlap.\n"
                + "Each pod subnet's first and last /28 (and each zone /64's first /80) are skipped: AWS reserves\n"
                + "addresses in them.\n"
                + "Apply with: kubectl apply -f " + PATH;
        return new Artifact(PATH, "podnet IPPool per planned node (/28 IPv4 and /80 IPv6 prefixes)",
                Yaml.documents(header, pools));
    }

    private static Object pool(PodPrefixes.NodeSlot slot) {
        return Yaml.map(
                "apiVersion", "podnet.dev/v1alpha1",
                "kind", "IPPool",
                "metadata", Yaml.map(
                        "name", slot.name(),
                        // so an agent lists only the slots of its own node group and zone
                        "labels", Yaml.map("podnet.dev/node-group", slot.group(),
                                "topology.kubernetes.io/zone", slot.zone())),
                "spec", Yaml.map(
                        "nodeSlot", slot.name(),
                        "ipv4Prefixes", slot.ipv4Prefixes().stream().map(Cidr::toString).toList(),
                        "ipv6Prefix", slot.ipv6Prefix().map(Cidr::toString).orElse(null)));
    }
}
