package dev.podnet.agent;

import dev.podnet.kube.IpPool;
import dev.podnet.kube.KubeApiException;
import dev.podnet.kube.NodeSlots;
import dev.podnet.kube.WarningEvents;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's underlay slot (the planner's ippools.yaml): each round, while the node holds no slot, it claims one of
 * its node group and zone ({@link NodeSlots}) and makes EC2 hold the slot's prefixes ({@link SlotEni}); only then are
 * the slot's IPPools served ({@link #serves}). A failure is logged, posted as a Warning event on the Node and tried
 * again next round; the agent's other pools serve meanwhile. Each round also frees the slots of its group and zone
 * held by nodes the API server no longer has. The agent stopping frees nothing: a restart finds its slot again.
 */
final class UnderlaySlot {
    /** The node's group: podnet's own label, else the one EKS managed node groups carry. */
    static final List<String> GROUP_LABELS = List.of(NodeSlots.GROUP_LABEL, "eks.amazonaws.com/nodegroup");
    private static final System.Logger LOG = System.getLogger(UnderlaySlot.class.getName());

    private final KubernetesClient client;
    private final String node;
    private final NodeSlots slots;
    private final SlotEni eni;
    private final WarningEvents events;
    /** The IPPools of the slot this node holds, once EC2 holds its prefixes; empty before. */
    private volatile Set<String> served = Set.of();
    /** The instance's zone, asked of EC2 once when the Node has no zone label. */
    private volatile String instanceZone;
    /** What was last reported, so that a failure repeated every round is logged and posted once. */
    private volatile String reported = "";
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    UnderlaySlot(KubernetesClient client, String node, SlotEni eni, InstantSource clock) {
        this.client = client;
        this.node = node;
        this.slots = new NodeSlots(client);
        this.eni = eni;
        this.events = new WarningEvents(client, "podnet-agent", node, clock);
    }

    /** Whether the engine may serve {@code pool} on this node: any pool but a slot's, and a slot's once EC2 holds it. */
    boolean serves(IpPool pool) {
        return pool.nodeSlot().isEmpty() || served.contains(pool.name());
    }

    /**
     * One round on what the IPPools' round read; it never throws, so the IPPools' refresh after it always runs.
     * Returns whether it changed the IPPools (claimed a slot or freed a departed node's), which must then be read again.
     */
    boolean round(ApiPools.View view) {
        Node n = view.node();
        Optional<IpPool.NodeSlot> where;
        List<IpPool> pools;
        try {
            if (n == null) {
                sayOnce("node " + node + " is not in the API server: it claims no node slot until it is");
                return false;
            }
            where = slotOf(n);
            if (where.isEmpty()) {
                return false;
            }
            IpPool.NodeSlot mine = where.get();
            pools = view.listing().pools().stream().filter(p -> p.nodeSlot().equals(where)).toList();
            if (pools.isEmpty()) {
                sayOnce("no IPPool has spec.nodeSlot {nodeGroup: " + mine.nodeGroup() + ", zone: " + mine.zone()
                        + "}: node " + node + " claims no node slot");
                return false;
            }
        } catch (RuntimeException e) {
            // EC2 may have failed to say the instance's zone: the Node hears of it.
            report(n, "node " + node + " cannot look for its node slot: " + e.getMessage());
            return false;
        }
        boolean freed = freeDeparted(pools);
        return (served.isEmpty() && claim(n, where.get())) || freed;
    }

    /** The Node's group and zone, when it has a group label; the zone label, else the instance's zone in EC2. */
    private Optional<IpPool.NodeSlot> slotOf(Node n) {
        Map<String, String> labels = Objects.requireNonNullElse(n.getMetadata().getLabels(), Map.of());
        Optional<String> group = GROUP_LABELS.stream().map(labels::get).filter(Objects::nonNull).findFirst();
        if (group.isEmpty()) {
            sayOnce("node " + node + " has none of the labels " + GROUP_LABELS + ": it claims no node slot");
            return Optional.empty();
        }
        String zone = labels.get(NodeSlots.ZONE_LABEL);
        if (zone == null) {
            if (instanceZone == null) {
                instanceZone = eni.zone();
            }
            zone = instanceZone;
        }
        return Optional.of(new IpPool.NodeSlot(group.get(), zone));
    }

    /** Whether it claimed a slot. */
    private boolean claim(Node n, IpPool.NodeSlot where) {
        try {
            switch (slots.claim(node, where.nodeGroup(), where.zone())) {
                case NodeSlots.NoFreeSlot none -> {
                    report(n, none.message());
                    return false;
                }
                case NodeSlots.Claim claim -> {
                    eni.provision(claim);
                    served = Set.copyOf(claim.pools());
                    reported = "";
                    LOG.log(System.Logger.Level.INFO, "node {0} holds node slot {1}: IPPools {2} serve {3} {4}", node,
                            claim.slot(), claim.pools(), claim.ipv4Prefixes(), claim.ipv6Prefixes());
                    return true;
                }
            }
        } catch (RuntimeException e) {
            // The claim, if won, stays: the next round's claim returns the same slot and finishes the EC2 side.
            report(n, "node " + node + " cannot take a node slot of node group " + where.nodeGroup() + " in zone "
                    + where.zone() + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * Frees the slots whose pools name a node that is gone: a GET of that Node answered 404. A list is never proof,
     * since a node may join between a list and a claim; one GET per holder and round. Whether it freed any.
     */
    private boolean freeDeparted(List<IpPool> pools) {
        Set<String> holders = new LinkedHashSet<>();
        pools.forEach(p -> holders.addAll(p.nodeName()));
        holders.remove(node);
        boolean freedAny = false;
        for (String holder : holders) {
            try {
                if (KubeApiException.call(client, () -> client.nodes().withName(holder).get()) != null) {
                    continue;
                }
                List<String> freed = new ArrayList<>();
                pools.stream().filter(p -> p.nodeName().contains(holder)).map(UnderlaySlot::slotName).distinct()
                        .forEach(slot -> {
                            slots.free(holder, slot);
                            freed.add(slot);
                        });
                LOG.log(System.Logger.Level.INFO, "freed node slot {0} of node {1}, which the API server no longer "
                        + "has", freed, holder);
                freedAny = true;
            } catch (RuntimeException e) {
                sayOnce("cannot free the node slot of departed node " + holder + ": " + e.getMessage());
            }
        }
        return freedAny;
    }

    private static String slotName(IpPool pool) {
        return pool.labels().getOrDefault(NodeSlots.SLOT_LABEL, pool.name());
    }

    /** A failure: logged and posted on the Node (when it was read) once per distinct message, tried again later. */
    private void report(Node n, String message) {
        if (message.equals(reported)) {
            return;
        }
        reported = message;
        LOG.log(System.Logger.Level.WARNING, message + "; trying again each IPPool round");
        if (n != null) {
            events.warning(n, "NodeSlotUnavailable", message);
        }
    }

    private void sayOnce(String message) {
        if (said.add(message)) {
            LOG.log(System.Logger.Level.INFO, message);
        }
    }
}
