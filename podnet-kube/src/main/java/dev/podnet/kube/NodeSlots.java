package dev.podnet.kube;

import dev.podnet.net.InvalidInputException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A node's claim on one node slot the planner wrote ahead (ippools.yaml): the podnet.dev/v1 IPPools of one slot carry
 * the label {@value #SLOT_LABEL} and {@code spec.nodeSlot}; a starting node of the slot's node group and zone claims
 * a free slot by writing its name into {@code spec.nodeName}, and frees it by clearing that field.
 *
 * <p>The claim is won on one pool, the slot's primary (the IPv4 pool, or the IPv6 pool when the slot has none), by
 * an update carrying the resourceVersion read: of nodes racing for the slot, one write succeeds and the others get
 * 409 Conflict and try the next free slot. The primary is the lock; its siblings follow it. So a claim writes the
 * primary first and a free clears it last: an agent that dies half way holds the slot still, and finds it again when
 * it restarts.
 */
public final class NodeSlots {
    public static final String SLOT_LABEL = "podnet.dev/node-slot";
    public static final String GROUP_LABEL = "podnet.dev/node-group";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    /** Listings to try while every free slot seen is lost to another node. */
    static final int ROUNDS = 5;

    /** What {@link #claim} answers: a claim, or why there is none. */
    public sealed interface Outcome permits Claim, NoFreeSlot {
        /** The claim, or empty when no slot was free. */
        Optional<Claim> won();
    }

    /**
     * A slot this node holds: its pools (primary first), the CIDR entries of their {@code ips} by family, and the
     * subnet of each family's pool.
     */
    public record Claim(String slot, List<String> pools, List<String> ipv4Prefixes, List<String> ipv6Prefixes,
            Optional<String> ipv4Subnet, Optional<String> ipv6Subnet) implements Outcome {
        public Claim {
            pools = List.copyOf(pools);
            ipv4Prefixes = List.copyOf(ipv4Prefixes);
            ipv6Prefixes = List.copyOf(ipv6Prefixes);
        }

        @Override
        public Optional<Claim> won() {
            return Optional.of(this);
        }
    }

    /** No slot of the group and zone was free: how many there are and which nodes hold them. */
    public record NoFreeSlot(String nodeGroup, String zone, int slots, List<String> holders) implements Outcome {
        public NoFreeSlot {
            holders = List.copyOf(holders);
        }

        @Override
        public Optional<Claim> won() {
            return Optional.empty();
        }

        public String message() {
            String head = "no free slot of node group " + nodeGroup + " in zone " + zone + ": ";
            if (slots == 0) {
                return head + "no IPPool with spec.nodeSlot is labelled " + GROUP_LABEL + "=" + nodeGroup + ", "
                        + ZONE_LABEL + "=" + zone;
            }
            return head + slots + " slots, all claimed by " + holders;
        }
    }

    private final KubernetesClient client;

    public NodeSlots(KubernetesClient client) {
        this.client = client;
    }

    /**
     * The slot {@code node} holds in its group and zone: the one whose primary already names it (an agent restart),
     * else the first free one in name order that this node wins.
     */
    public Outcome claim(String node, String nodeGroup, String zone) {
        List<Slot> slots = List.of();
        for (int round = 0; round < ROUNDS; round++) {
            slots = slots(nodeGroup, zone);
            Optional<Slot> held = slots.stream().filter(s -> s.primary().holders().contains(node)).findFirst();
            if (held.isPresent()) {
                return complete(node, held.get());
            }
            for (Slot free : slots.stream().filter(s -> s.primary().holders().isEmpty()).toList()) {
                if (won(node, free.primary())) {
                    return complete(node, free);
                }
            }
            if (slots.stream().allMatch(s -> !s.primary().holders().isEmpty())) {
                break; // nothing was free to begin with: listing again would say the same
            }
        }
        return new NoFreeSlot(nodeGroup, zone, slots.size(),
                slots.stream().flatMap(s -> s.primary().holders().stream()).toList());
    }

    /**
     * Clears spec.nodeName on the slot's pools that name {@code node}, siblings first and the primary last; pools
     * naming another node, or none, are left alone.
     */
    public void free(String node, String slot) {
        List<Pool> pools = KubeApiException.call(client, () -> client.genericKubernetesResources(IpPools.RESOURCE)
                .withLabel(SLOT_LABEL, slot).list().getItems()).stream().map(Pool::of)
                .sorted(Pool.PRIMARY_FIRST.reversed()).toList();
        for (Pool pool : pools) {
            NetworkConfigController.retriedOnConflict(() -> KubeApiException.call(client, () -> {
                GenericKubernetesResource current = client.genericKubernetesResources(IpPools.RESOURCE)
                        .withName(pool.name()).get();
                if (current != null && Pool.of(current).holders().contains(node)) {
                    spec(current).remove("nodeName");
                    client.genericKubernetesResources(IpPools.RESOURCE).resource(current).update();
                }
                return null;
            }));
        }
    }

    /** The slots of the group and zone, in name order, each with its pools primary first. */
    private List<Slot> slots(String nodeGroup, String zone) {
        List<GenericKubernetesResource> items = KubeApiException.call(client, () -> client
                .genericKubernetesResources(IpPools.RESOURCE).withLabels(Map.of(GROUP_LABEL, nodeGroup, ZONE_LABEL, zone))
                .list().getItems());
        TreeMap<String, List<Pool>> bySlot = new TreeMap<>();
        for (GenericKubernetesResource item : items) {
            if (spec(item).get("nodeSlot") != null) {
                Pool pool = Pool.of(item);
                bySlot.computeIfAbsent(pool.slot(), k -> new ArrayList<>()).add(pool);
            }
        }
        return bySlot.entrySet().stream()
                .map(e -> new Slot(e.getKey(), e.getValue().stream().sorted(Pool.PRIMARY_FIRST).toList()))
                .toList();
    }

    /** Writes the node into the primary as read; false when another node's write came first (409). */
    private boolean won(String node, Pool primary) {
        spec(primary.object()).put("nodeName", List.of(node));
        try {
            KubeApiException.call(client, () -> client.genericKubernetesResources(IpPools.RESOURCE)
                    .resource(primary.object()).update()); // carries the resourceVersion read
            return true;
        } catch (KubeApiException e) {
            if (e.status() == 409) {
                return false;
            }
            throw e;
        }
    }

    /** The siblings follow the primary this node holds: each gets the node's name, again after a 409. */
    private Claim complete(String node, Slot slot) {
        for (Pool sibling : slot.pools().subList(1, slot.pools().size())) {
            if (sibling.holders().equals(List.of(node))) {
                continue;
            }
            NetworkConfigController.retriedOnConflict(() -> KubeApiException.call(client, () -> {
                GenericKubernetesResource current = client.genericKubernetesResources(IpPools.RESOURCE)
                        .withName(sibling.name()).get();
                if (current == null) {
                    throw new IllegalStateException("IPPool " + sibling.name() + " of slot " + slot.name()
                            + " was deleted while node " + node + " claimed the slot");
                }
                spec(current).put("nodeName", List.of(node));
                return client.genericKubernetesResources(IpPools.RESOURCE).resource(current).update();
            }));
        }
        List<String> ipv4 = new ArrayList<>();
        List<String> ipv6 = new ArrayList<>();
        Optional<String> ipv4Subnet = Optional.empty();
        Optional<String> ipv6Subnet = Optional.empty();
        for (Pool pool : slot.pools()) {
            if (pool.ipVersion() == 4) {
                ipv4.addAll(pool.cidrs());
                ipv4Subnet = ipv4Subnet.or(pool::subnet);
            } else {
                ipv6.addAll(pool.cidrs());
                ipv6Subnet = ipv6Subnet.or(pool::subnet);
            }
        }
        return new Claim(slot.name(), slot.pools().stream().map(Pool::name).toList(), ipv4, ipv6, ipv4Subnet,
                ipv6Subnet);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource item) {
        Object spec = item.getAdditionalProperties().get("spec");
        if (!(spec instanceof Map<?, ?>)) {
            throw new InvalidInputException("IPPool " + item.getMetadata().getName() + " has no spec");
        }
        return (Map<String, Object>) spec;
    }

    private record Slot(String name, List<Pool> pools) {
        Pool primary() {
            return pools.getFirst();
        }
    }

    /** One IPPool as read: the fields a slot needs, and the object itself to write back with its resourceVersion. */
    private record Pool(String name, String slot, int ipVersion, Optional<String> subnet, List<String> cidrs,
            List<String> holders, GenericKubernetesResource object) {
        /** The IPv4 pool first: it is the slot's primary whenever there is one. */
        static final Comparator<Pool> PRIMARY_FIRST = Comparator.comparingInt(Pool::ipVersion).thenComparing(Pool::name);

        static Pool of(GenericKubernetesResource item) {
            String name = item.getMetadata().getName();
            Map<String, Object> spec = spec(item);
            Object version = spec.get("ipVersion");
            int ipVersion = version instanceof Number n ? n.intValue() : 0;
            if (ipVersion != 4 && ipVersion != 6) {
                throw new InvalidInputException("IPPool " + name + ": spec.ipVersion is " + version
                        + "; it must be 4 or 6");
            }
            Map<String, String> labels = Objects.requireNonNullElse(item.getMetadata().getLabels(), Map.of());
            // a pool without the slot label is a slot by itself
            String slot = labels.getOrDefault(SLOT_LABEL, name);
            Optional<String> subnet = Optional.ofNullable(spec.get("subnet")).map(Object::toString);
            return new Pool(name, slot, ipVersion, subnet, cidrs(name, spec.get("ips")), strings(spec.get("nodeName")),
                    item);
        }

        /** The CIDR entries of spec.ips: the slot's prefixes (single addresses and ranges are not prefixes). */
        private static List<String> cidrs(String name, Object ips) {
            if (ips != null && !(ips instanceof List<?>)) {
                throw new InvalidInputException("IPPool " + name + ": spec.ips is " + ips + "; it must be a list");
            }
            return strings(ips).stream().filter(entry -> entry.contains("/")).toList();
        }

        private static List<String> strings(Object value) {
            return value instanceof List<?> list ? list.stream().map(Object::toString).toList() : List.of();
        }
    }
}
