package dev.podnet.agent;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import dev.podnet.kube.NodeSlots;
import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import dev.podnet.warm.NodeContext;
import dev.podnet.warm.NodeSupply;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes EC2 hold what a node slot says: the slot's /28s and /80s on an ENI of this instance in the slot's subnet.
 * The ENI is the slot's own, tagged {@value NodeSupply#NODE_SLOT_TAG}={@code <slot>}, so the warm pool leaves it and
 * its prefixes alone and a restarted agent finds it again; it is never the primary ENI, whose /80 the cloud pool may
 * take as its own. Every step reads EC2 first, so running it again after a crash or a restart finishes the work.
 */
final class SlotEni {
    private static final System.Logger LOG = System.getLogger(SlotEni.class.getName());

    private final CloudNetwork cloud;
    private final String instanceId;

    SlotEni(CloudNetwork cloud, String instanceId) {
        this.cloud = cloud;
        this.instanceId = instanceId;
    }

    /** The instance's availability zone, when the Node has no zone label. */
    String zone() {
        return cloud.describeInstance(instanceId).availabilityZone();
    }

    /**
     * The slot's ENI with the slot's prefixes assigned: the one attached here for the slot, else an unattached one
     * left by an earlier run of this node, else a new one; attached at the lowest free device index.
     *
     * @throws CloudException        as EC2 answered, nothing more done
     * @throws InvalidInputException when the VPC has no subnet of the slot's CIDR in this zone, or the slot's ENI is
     *                               still attached to another instance
     */
    NetworkInterface provision(NodeSlots.Claim claim) {
        Instance instance = cloud.describeInstance(instanceId);
        Subnet subnet = subnet(instance, claim);
        List<NetworkInterface> tagged = cloud.describeNetworkInterfaces(
                EniFilter.tagged(Map.of(NodeSupply.NODE_SLOT_TAG, claim.slot())));
        NetworkInterface eni = attachedHere(tagged).orElseGet(() -> attach(instance, subnet, claim.slot(), tagged));
        List<String> ipv4 = missing(claim.ipv4Prefixes(), eni.ipv4Prefixes());
        if (!ipv4.isEmpty()) {
            cloud.assignIpv4Prefixes(eni.id(), ipv4);
        }
        List<String> ipv6 = missing(claim.ipv6Prefixes(), eni.ipv6Prefixes());
        if (!ipv6.isEmpty()) {
            cloud.assignIpv6Prefixes(eni.id(), ipv6);
        }
        LOG.log(System.Logger.Level.INFO, "node slot {0}: {1} in {2} ({3}) holds {4} {5}", claim.slot(), eni.id(),
                subnet.id(), subnet.cidrBlock(), claim.ipv4Prefixes(), claim.ipv6Prefixes());
        return eni;
    }

    /**
     * The subnet of this instance's VPC and zone whose CIDR is the slot's IPv4 subnet, or for an IPv6-only slot whose
     * IPv6 CIDR is the slot's /64: the planner carved the slot from it.
     */
    private Subnet subnet(Instance instance, NodeSlots.Claim claim) {
        boolean ipv4 = claim.ipv4Subnet().isPresent();
        String wanted = claim.ipv4Subnet().or(claim::ipv6Subnet).orElseThrow(() -> new InvalidInputException(
                "node slot " + claim.slot() + ": its IPPools " + claim.pools() + " have no spec.subnet"));
        Cidr cidr = Cidr.parse(wanted);
        List<Subnet> zone = cloud.describeSubnets(List.of()).stream().filter(s -> s.vpcId().equals(instance.vpcId())
                && s.availabilityZone().equals(instance.availabilityZone())).toList();
        return zone.stream().filter(s -> (ipv4 ? Optional.of(s.cidrBlock()) : s.ipv6CidrBlock())
                        .map(Cidr::parse).filter(cidr::equals).isPresent()).findFirst()
                .orElseThrow(() -> new InvalidInputException("node slot " + claim.slot() + ": no subnet of "
                        + instance.vpcId() + " in " + instance.availabilityZone() + " has the " + (ipv4 ? "" : "IPv6 ")
                        + "CIDR " + wanted + " of its IPPools' spec.subnet; the subnets there are " + zone.stream()
                        .map(s -> s.id() + " " + (ipv4 ? s.cidrBlock() : s.ipv6CidrBlock().orElse("(no IPv6)")))
                        .toList()));
    }

    private Optional<NetworkInterface> attachedHere(List<NetworkInterface> tagged) {
        return tagged.stream().filter(e -> e.attachment().map(a -> a.instanceId().equals(instanceId)).orElse(false))
                .findFirst();
    }

    /**
     * Attaches the slot's ENI: one this instance created and did not attach before a crash, else a new one. The
     * slot's prefixes can sit on one ENI only, so an unattached ENI another instance left for the slot (a node that
     * left) is deleted first; one still attached elsewhere is an error, since its prefixes cannot move while it is.
     */
    private NetworkInterface attach(Instance instance, Subnet subnet, String slot, List<NetworkInterface> tagged) {
        NetworkInterface mine = null;
        for (NetworkInterface e : tagged) {
            if (e.attachment().isPresent()) {
                throw new InvalidInputException("node slot " + slot + ": its ENI " + e.id() + " is still attached to "
                        + e.attachment().get().instanceId() + "; its prefixes move to " + instanceId
                        + " once that ENI is detached");
            }
            if (mine == null && instanceId.equals(e.tags().get(NodeContext.TAG_NODE))
                    && e.subnetId().equals(subnet.id())) {
                mine = e;
            } else {
                cloud.deleteNetworkInterface(e.id());
                LOG.log(System.Logger.Level.INFO, "node slot {0}: deleted {1}, left unattached by {2}", slot,
                        e.id(), e.tags().getOrDefault(NodeContext.TAG_NODE, "another node"));
            }
        }
        if (mine == null) {
            NetworkInterface primary = instance.networkInterfaces().stream()
                    .filter(e -> e.attachment().map(a -> a.deviceIndex() == 0).orElse(false)).findFirst()
                    .orElseThrow(() -> new InvalidInputException("EC2 reports no primary ENI on " + instanceId));
            // Not the warm pool's owner tags: its leak cleanup must never take the slot's ENI.
            mine = cloud.createNetworkInterface(new CreateEni(subnet.id(), primary.securityGroups(),
                    "podnet: node slot " + slot + " of " + instanceId,
                    Map.of(NodeSupply.NODE_SLOT_TAG, slot, NodeContext.TAG_NODE, instanceId)));
        }
        int index = nextDeviceIndex(instance);
        cloud.attachNetworkInterface(mine.id(), instanceId, index);
        LOG.log(System.Logger.Level.INFO, "node slot {0}: attached {1} in {2} at device index {3}", slot, mine.id(),
                subnet.id(), index);
        return mine;
    }

    private static int nextDeviceIndex(Instance instance) {
        Set<Integer> used = new TreeSet<>();
        instance.networkInterfaces().forEach(e -> e.attachment().ifPresent(a -> used.add(a.deviceIndex())));
        int index = 1;
        while (used.contains(index)) {
            index++;
        }
        return index;
    }

    /** The prefixes of {@code wanted} not in {@code held}, compared as CIDRs (EC2 may print IPv6 differently). */
    private static List<String> missing(List<String> wanted, List<String> held) {
        Set<Cidr> have = new java.util.HashSet<>();
        held.forEach(h -> have.add(Cidr.parse(h)));
        return wanted.stream().filter(w -> !have.contains(Cidr.parse(w))).toList();
    }
}
