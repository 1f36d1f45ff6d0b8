package dev.podnet.warm;

import dev.podnet.cloud.NetworkInterface;
import dev.podnet.ipam.warm.EniState;
import dev.podnet.net.Cidr;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * The node's addresses as EC2 reports them (DescribeNetworkInterfaces, never instance metadata): the ENIs attached to
 * the instance in device order, each with its slots, a slot being one secondary address or one /28 prefix. Only
 * this view decides which addresses pods may get and which may go back to EC2.
 */
public record NodeSupply(List<Eni> enis) {

    /** One secondary address ("10.0.3.7") or one prefix ("10.0.3.32/28") and the addresses it gives. */
    public record Slot(String eniId, String text, List<IPAddress> addresses) {
        public Slot {
            addresses = List.copyOf(addresses);
        }

        public boolean isPrefix() {
            return text.indexOf('/') >= 0;
        }
    }

    /**
     * @param forPods  false for the primary ENI under custom networking (its addresses are the node's own) and for a
     *                 node slot's ENI ({@link #NODE_SLOT_TAG})
     * @param attached false while EC2 still reports the attachment as "attaching": counted, not yet handed out
     * @param mac      how the node finds the ENI's link (EC2 does not promise the name)
     */
    public record Eni(String id, int deviceIndex, String attachmentId, String subnetId, String mac, boolean primary,
                      boolean forPods, boolean attached, List<Slot> slots) {
        public Eni {
            slots = List.copyOf(slots);
        }

        /**
         * The node's route table for traffic from this ENI's addresses: empty for the primary (the main table), else
         * device index + 1, aws-vpc-cni's numbering, so rules and tables left by either agent mean the same.
         */
        public OptionalInt routeTable() {
            return primary ? OptionalInt.empty() : OptionalInt.of(deviceIndex + 1);
        }
    }

    /**
     * The tag on an ENI that holds a node slot's prefixes (the agent's underlay slot, named by the tag's value): it
     * takes a device index, but its addresses are the slot's IPPools' and never the warm pool's to hand out or give
     * back, and the ENI is never the warm pool's to detach.
     */
    public static final String NODE_SLOT_TAG = "podnet.dev/node-slot";

    public NodeSupply {
        enis = List.copyOf(enis);
    }

    public static NodeSupply of(String instanceId, List<NetworkInterface> interfaces, boolean customNetworking) {
        List<Eni> enis = new ArrayList<>();
        for (NetworkInterface ni : interfaces) {
            var attachment = ni.attachment().filter(a -> a.instanceId().equals(instanceId)
                    && (a.status().equals("attached") || a.status().equals("attaching")));
            if (attachment.isEmpty()) {
                continue;
            }
            boolean primary = attachment.get().deviceIndex() == 0;
            boolean slotEni = !primary && ni.tags().containsKey(NODE_SLOT_TAG);
            List<Slot> slots = new ArrayList<>();
            if (slotEni) {
                enis.add(new Eni(ni.id(), attachment.get().deviceIndex(), attachment.get().attachmentId(),
                        ni.subnetId(), ni.macAddress(), false, false, attachment.get().status().equals("attached"),
                        slots));
                continue;
            }
            ni.secondaryIpv4().forEach(ip -> slots.add(new Slot(ni.id(), ip, List.of(Cidr.parse(ip + "/32").network()
                    .withoutPrefixLength()))));
            ni.ipv4Prefixes().forEach(p -> slots.add(new Slot(ni.id(), p, expand(p))));
            enis.add(new Eni(ni.id(), attachment.get().deviceIndex(), attachment.get().attachmentId(), ni.subnetId(),
                    ni.macAddress(), primary, !(primary && customNetworking), attachment.get().status().equals("attached"), slots));
        }
        enis.sort(Comparator.comparingInt(Eni::deviceIndex));
        return new NodeSupply(enis);
    }

    /** The addresses of a /28 (or any IPv4 prefix), in order. */
    static List<IPAddress> expand(String prefix) {
        Cidr cidr = Cidr.parse(prefix);
        IPAddress first = cidr.network().getLower().withoutPrefixLength();
        List<IPAddress> all = new ArrayList<>();
        for (long i = 0; i < cidr.sizeV4(); i++) {
            all.add(first.increment(i));
        }
        return all;
    }

    /** What the warm-pool planner sees: per ENI, how many addresses of each slot are in use. */
    public List<EniState> plannerView(Predicate<IPAddress> inUse) {
        // A node slot's ENI (not for pods, not the primary) is left out: the planner would detach it as idle.
        return enis.stream().filter(e -> e.forPods() || e.primary()).map(e -> {
            List<Slot> slots = e.forPods() ? e.slots() : List.of();
            return new EniState(e.id(), e.primary(),
                    slots.stream().map(s -> (int) s.addresses().stream().filter(inUse).count()).toList(),
                    slots.stream().map(s -> s.addresses().size()).toList());
        }).toList();
    }

    /** Addresses pods may be given now, in ENI and slot order. */
    public List<IPAddress> podAddresses() {
        return podAddresses(e -> true);
    }

    /** The pod addresses of the ENIs the node has set up ({@link NodeInterfaces#sync}). */
    public List<IPAddress> podAddresses(Predicate<Eni> ready) {
        return enis.stream().filter(e -> e.forPods() && e.attached() && ready.test(e)).flatMap(e -> e.slots().stream())
                .flatMap(s -> s.addresses().stream()).toList();
    }

    /** Which slot each pod address belongs to. */
    public Map<IPAddress, Slot> slotIndex() {
        Map<IPAddress, Slot> index = new HashMap<>();
        enis.stream().filter(Eni::forPods).flatMap(e -> e.slots().stream())
                .forEach(s -> s.addresses().forEach(a -> index.put(a, s)));
        return index;
    }

    public Optional<Eni> eni(String id) {
        return enis.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public Optional<Eni> primary() {
        return enis.stream().filter(Eni::primary).findFirst();
    }

    /** The lowest device index no ENI uses, for the next attach. */
    public int nextDeviceIndex() {
        int i = 1;
        while (true) {
            int candidate = i;
            if (enis.stream().noneMatch(e -> e.deviceIndex() == candidate)) {
                return candidate;
            }
            i++;
        }
    }

    public int slotCount() {
        return enis.stream().filter(Eni::forPods).mapToInt(e -> e.slots().size()).sum();
    }

    public long prefixCount() {
        return enis.stream().flatMap(e -> e.slots().stream()).filter(Slot::isPrefix).count();
    }
}
