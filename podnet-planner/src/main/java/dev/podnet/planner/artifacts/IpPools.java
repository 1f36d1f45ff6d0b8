package dev.podnet.planner.artifacts;

import dev.podnet.net.Cidr;
import dev.podnet.planner.report.Artifact;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * podnet's IPPools (podnet.dev/v1: the spec of Spiderpool's SpiderIPPool v2beta1, one address family per pool, plus
 * podnet's {@code nodeSlot}) for the dual-stack underlay: per planned node slot one IPv4 pool of its /28 prefixes and
 * one IPv6 pool of its /80.
 */
final class IpPools {
    static final String PATH = "ippools.yaml";
    /** The pool group the NetworkAttachmentDefinition names in its IPAM config. */
    static final String POOL = "underlay";
    /** Room for "-v4" in a 63-character DNS-1123 name; the same value is a label value, also at most 63. */
    private static final int SLOT_ID_MAX = 60;

    private IpPools() {
    }

    static Artifact artifact(PlanView in) {
        PodPrefixes prefixes = PodPrefixes.of(in);
        List<Object> pools = new ArrayList<>();
        for (PodPrefixes.NodeSlot slot : prefixes.slots()) {
            Cidr subnet = prefixes.subnet(slot.zone());
            if (!slot.ipv4Prefixes().isEmpty()) {
                // AWS's VPC router is the subnet's first address + 1
                pools.add(pool(slot, 4, subnet, slot.ipv4Prefixes(), Optional.of(subnet.subnet(32, 1).firstAddress())));
            }
            Optional<Cidr> ipv6Block = prefixes.ipv6Block(slot.zone());
            if (slot.ipv6Prefix().isPresent() && ipv6Block.isPresent()) {
                // the plan names no IPv6 gateway, so the pool names none
                pools.add(pool(slot, 6, ipv6Block.get(), List.of(slot.ipv6Prefix().get()), Optional.empty()));
            }
        }
        String header = in.origin() + "\n"
                + "One IPPool per planned node slot and address family (" + POOL + " pools, label podnet.dev/pool).\n"
                + "The podnet agent (--cloud aws, with an API server) of a node in the slot's node group (Node label\n"
                + "podnet.dev/node-group, else eks.amazonaws.com/nodegroup) and zone claims the first free slot by\n"
                + "writing its node name into spec.nodeName (compare-and-swap on resourceVersion), assigns the slot's\n"
                + "prefixes (spec.ips) through EC2 to the slot's own ENI in the pod subnet (tagged podnet.dev/node-slot,\n"
                + "attached at the node's lowest free device index), and only then serves them to pods whose network\n"
                + "names pool \"" + POOL + "\". A claim that fails is a Warning event on the Node, tried again every\n"
                + "IPPool round. An agent that stops keeps its slot: it finds the slot again when it restarts. When\n"
                + "the Node is deleted, another agent of the group and zone frees the slot (spec.nodeName cleared), and\n"
                + "the next node to claim it deletes the old slot ENI once it is detached; so pools outlive nodes and\n"
                + "addresses never overlap.\n"
                + "Each pod subnet's first and last /28 (and each zone /64's first /80) are skipped: AWS reserves\n"
                + "addresses in them.\n"
                + "Apply with: kubectl apply -f " + PATH;
        return new Artifact(PATH, "podnet IPPools per planned node slot (/28 IPv4 and /80 IPv6 prefixes)",
                Yaml.documents(header, pools));
    }

    private static Object pool(PodPrefixes.NodeSlot slot, int version, Cidr subnet, List<Cidr> ips,
            Optional<String> gateway) {
        String id = slotId(slot.name());
        return Yaml.map(
                "apiVersion", "podnet.dev/v1",
                "kind", "IPPool",
                "metadata", Yaml.map(
                        "name", id + "-v" + version,
                        // an agent lists only the slots of its own node group and zone, and a slot's pools by its id
                        "labels", Yaml.map(
                                "podnet.dev/pool", POOL,
                                "podnet.dev/node-slot", id,
                                "podnet.dev/node-group", slot.group(),
                                "topology.kubernetes.io/zone", slot.zone())),
                "spec", Yaml.map(
                        "ipVersion", version,
                        "subnet", subnet.toString(),
                        "ips", ips.stream().map(Cidr::toString).toList(),
                        "gateway", gateway.orElse(null),
                        "nodeSlot", Yaml.map("nodeGroup", slot.group(), "zone", slot.zone())));
    }

    /**
     * The slot's name as a DNS-1123 label of at most {@value #SLOT_ID_MAX} characters: lower case, and when too long
     * cut and suffixed with a hash of the whole name, so two long names that share a start stay apart.
     */
    static String slotId(String slotName) {
        String lower = slotName.toLowerCase(Locale.ROOT);
        if (lower.length() <= SLOT_ID_MAX) {
            return lower;
        }
        CRC32 crc = new CRC32();
        crc.update(lower.getBytes(StandardCharsets.UTF_8));
        String hash = HexFormat.of().toHexDigits((int) crc.getValue());
        String head = lower.substring(0, SLOT_ID_MAX - hash.length() - 1).replaceAll("-+$", "");
        return head + "-" + hash;
    }
}
