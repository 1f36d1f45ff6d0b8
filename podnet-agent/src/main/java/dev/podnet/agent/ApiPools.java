package dev.podnet.agent;

import dev.podnet.api.CniException;
import dev.podnet.blocks.BlockPool;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.PodRef;
import dev.podnet.ipam.PoolStatus;
import dev.podnet.kube.IpPool;
import dev.podnet.kube.IpPoolStatus;
import dev.podnet.kube.IpPools;
import dev.podnet.kube.KubeApiException;
import dev.podnet.kube.PoolChoice;
import dev.podnet.net.InvalidInputException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The cluster's IPPools as this node serves them. A pool whose {@code spec.nodeName} names this node alone is the
 * node's own: the engine hands out its addresses with no API call, and this class writes its status counts. Which
 * pools an ADD takes from is {@link PoolChoice}'s answer for the pod, read from the API server at that ADD, as
 * Spiderpool reads it: annotations change between a pod's incarnations, and a stale cache would hand a StatefulSet
 * pod the wrong pool. Without an answer from the API server such an ADD fails with code 11 and changes nothing.
 */
final class ApiPools {
    /** A pod asks for an address of its own: {@code podnet.dev/ip} (either family), {@code podnet.dev/ip-ipv6}. */
    static final String IP = "podnet.dev/ip";
    static final String IP6 = "podnet.dev/ip-ipv6";
    private static final System.Logger LOG = System.getLogger(ApiPools.class.getName());

    /**
     * What an ADD allocates: {@code sources} are the node's own pools (empty: the network's own agent pool, or
     * {@code shared}), {@code shared} a pool the node shares with others, and {@code requested} the addresses the
     * pod's annotations ask for (empty: any); {@code pod} the pod as read for this ADD, if it was.
     */
    record Chosen(List<String> sources, Optional<BlockPool> shared, List<IPAddress> requested, Optional<Pod> pod) {
        static Chosen agentPool(List<IPAddress> requested, Optional<Pod> pod) {
            return new Chosen(List.of(), Optional.empty(), requested, pod);
        }
    }

    private final KubernetesClient client;
    private final String node;
    private final Ipam ipam;
    /** The pools given on the command line (--pool, --cloud, --cluster-pool): a network may still name one. */
    private final Set<String> agentPools;
    private final IpPoolStatus status;
    private final SharedPools shared;
    private volatile List<IpPool> pools = List.of();
    private volatile Map<String, String> nodeLabels = Map.of();
    /** What was last written into each own pool's status, so that an idle node writes nothing. */
    private final Map<String, List<Long>> written = new ConcurrentHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** Which of the node's own pools the engine may serve now: a node slot's only once EC2 holds it. */
    private final Predicate<IpPool> servable;

    ApiPools(KubernetesClient client, String node, Ipam ipam, Set<String> agentPools, SharedPools shared,
             Predicate<IpPool> servable) {
        this.servable = servable;
        this.client = client;
        this.shared = shared;
        this.node = node;
        this.ipam = ipam;
        this.agentPools = Set.copyOf(agentPools);
        this.status = new IpPoolStatus(client);
    }

    /** One round's read of the API server, which the node slot's round uses too: the IPPools and this node's Node. */
    record View(IpPools.Listing listing, Node node) {
    }

    View read() {
        IpPools.Listing listing = IpPools.list(client);
        return new View(listing, KubeApiException.call(client, () -> client.nodes().withName(node).get()));
    }

    /** Reads the pools and the node's labels again, gives the engine the node's own pools, writes their counts. */
    void refresh() {
        refresh(read());
    }

    /** As {@link #refresh()}, from what the round read. */
    void refresh(View view) {
        IpPools.Listing listing = view.listing();
        listing.invalid().forEach(this::reportOnce);
        Node n = view.node();
        nodeLabels = n == null ? Map.of() : orEmpty(n.getMetadata().getLabels());
        Set<String> holding = new HashSet<>();
        ipam.allocations().forEach(a -> holding.add(a.pool()));
        for (IpPool p : listing.pools()) {
            if (own(p)) {
                define(p);
            } else if (holding.contains(p.name()) && shareable(p)) {
                // Pods on this node hold its addresses (an agent restart): DEL must give them back to the blocks.
                serve(p);
            }
        }
        pools = listing.pools();
        writeCounts();
    }

    /** A pool the engine serves on this node: its nodeName names this node and no other. */
    private boolean own(IpPool p) {
        return p.nodeName().equals(List.of(node)) && !p.disable() && servable.test(p);
    }

    /** A pool this node may serve from the cluster's blocks: IPv4 (blocks are), not a planned node slot. */
    private static boolean shareable(IpPool p) {
        return p.ipVersion() == 4 && p.nodeSlot().isEmpty() && !p.disable();
    }

    private Optional<BlockPool> serve(IpPool p) {
        try {
            return Optional.of(shared.serve(p));
        } catch (InvalidInputException | IpamException e) {
            reportOnce("IPPool \"" + p.name() + "\" is not served on node " + node + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The share of a shared pool this node serves, for DEL and GC of its allocations. */
    Optional<BlockPool> shared(String pool) {
        return shared.get(pool);
    }

    private boolean define(IpPool p) {
        try {
            ipam.define(p.enginePool());
            return true;
        } catch (InvalidInputException | IpamException e) {
            reportOnce("IPPool \"" + p.name() + "\" is not served on node " + node + ": " + e.getMessage());
            return false;
        }
    }

    /** This node's share of each pool it serves, into the pool's status; written only when it changed. */
    private void writeCounts() {
        Map<String, IpPool> served = new HashMap<>();
        pools.stream().filter(p -> own(p) || shared.get(p.name()).isPresent()).forEach(p -> served.put(p.name(), p));
        for (PoolStatus s : ipam.poolStatus()) {
            IpPool p = served.get(s.pool());
            if (p == null) {
                continue;
            }
            List<Long> counts = List.of(s.ipv4().used() + s.ipv6().used(), p.totalIps());
            if (!counts.equals(written.get(p.name()))) {
                status.setNode(p.name(), node, counts.get(0), counts.get(1), this::gone);
                written.put(p.name(), counts);
            }
        }
    }

    /** Whether the API server says {@code name} is no node of the cluster; not when it cannot say. */
    private boolean gone(String name) {
        try {
            return KubeApiException.call(client, () -> client.nodes().withName(name).get()) == null;
        } catch (KubeApiException e) {
            return false;
        }
    }

    /**
     * The pools and addresses for one ADD of {@code ref}'s interface {@code ifName} on the network whose CNI
     * configuration names {@code network}.
     */
    Chosen choose(PodRef ref, String ifName, String network) {
        boolean agentPool = agentPools.contains(network);
        Pod pod;
        try {
            pod = KubeApiException.call(client, () -> client.pods().inNamespace(ref.namespace())
                    .withName(ref.name()).get());
        } catch (KubeApiException e) {
            if (agentPool) {
                // The node's own pools keep serving while the API server is away; the pod's wishes wait for it.
                reportOnce("pods on " + network + " get its addresses without their annotations being read: "
                        + e.getMessage());
                return Chosen.agentPool(List.of(), Optional.empty());
            }
            throw e;
        }
        if (pod == null) {
            if (agentPool) {
                return Chosen.agentPool(List.of(), Optional.empty());
            }
            throw new CniException(CniException.TRY_AGAIN_LATER, "pod not found", "pod " + ref
                    + " is not in the API server, so its IP pools cannot be read");
        }
        List<IPAddress> requested = requested(pod);
        PoolChoice.PodView podView = new PoolChoice.PodView(ref.namespace(), ref.name(), labels(pod),
                orEmpty(pod.getMetadata().getAnnotations()));
        PoolChoice.Request request = new PoolChoice.Request(podView, namespace(ref.namespace()),
                new PoolChoice.NodeView(node, nodeLabels), ifName, agentPool ? List.of() : List.of(network),
                Optional.empty());
        if (agentPool && !PoolChoice.named(request)) {
            // Neither the pod nor its namespace names IP pools: the network's own pool serves it.
            return Chosen.agentPool(requested, Optional.of(pod));
        }
        PoolChoice.Choice choice;
        try {
            choice = PoolChoice.choose(request, pools);
        } catch (InvalidInputException e) {
            // A pool created a moment ago: read the pools again once before refusing.
            refresh();
            try {
                choice = PoolChoice.choose(request, pools);
            } catch (InvalidInputException again) {
                throw new CniException(CniException.INVALID_NETWORK_CONFIG, "no IP pool", again.getMessage());
            }
        }
        // Shared by other nodes (PoolChoice kept only those whose affinity admits this node): served from blocks.
        Optional<IpPool> first = choice.ipv4().stream().findFirst().filter(p -> !own(p) && shareable(p));
        if (first.isPresent()) {
            if (!choice.ipv6().isEmpty()) {
                throw new CniException(CniException.INVALID_NETWORK_CONFIG, "no IP pool on this node", "pod " + ref
                        + ": " + choice.source() + " gives the shared IPv4 IPPool " + first.get().name()
                        + " with IPv6 IPPools " + names(choice.ipv6()) + "; an IPv4 pool that several nodes share"
                        + " serves single-stack pods only so far");
            }
            Optional<BlockPool> pool = serve(first.get());
            if (pool.isPresent()) {
                return new Chosen(List.of(), pool, requested, Optional.of(pod));
            }
        }
        List<String> sources = new ArrayList<>();
        for (List<IpPool> family : List.of(choice.ipv4(), choice.ipv6())) {
            List<IpPool> here = family.stream().filter(p -> own(p) && define(p)).toList();
            List<IpPool> waiting = family.stream().filter(p -> p.nodeName().equals(List.of(node)) && !p.disable()
                    && !servable.test(p)).toList();
            if (here.isEmpty() && !waiting.isEmpty()) {
                throw new CniException(CniException.TRY_AGAIN_LATER, "IP pool not ready", "pod " + ref + ": IPPools "
                        + names(waiting) + " are node " + node + "'s node slot, served once EC2 holds their prefixes");
            }
            if (!family.isEmpty() && here.isEmpty()) {
                throw new CniException(CniException.INVALID_NETWORK_CONFIG, "no IP pool on this node", "pod " + ref
                        + ": " + choice.source() + " gives IPPools " + names(family) + ", none of them served on node "
                        + node + ": a pool is this node's when its spec.nodeName names this node alone, and shared"
                        + " when it names no node or several (IPv4 only so far)");
            }
            here.forEach(p -> sources.add(p.name()));
        }
        return new Chosen(sources, Optional.empty(), requested, Optional.of(pod));
    }

    private PoolChoice.NamespaceView namespace(String name) {
        Namespace ns = KubeApiException.call(client, () -> client.namespaces().withName(name).get());
        return ns == null ? new PoolChoice.NamespaceView(name, Map.of(), Map.of())
                : new PoolChoice.NamespaceView(name, labels(ns), orEmpty(ns.getMetadata().getAnnotations()));
    }

    /** The addresses a pod's {@link #IP} and {@link #IP6} annotations ask for. */
    static List<IPAddress> requested(Pod pod) {
        Map<String, String> annotations = orEmpty(pod.getMetadata().getAnnotations());
        List<IPAddress> requested = new ArrayList<>();
        for (String key : List.of(IP, IP6)) {
            String value = annotations.get(key);
            if (value == null) {
                continue;
            }
            IPAddress a = new IPAddressString(value.strip()).getAddress();
            if (a == null || a.isPrefixed() || a.isIPv4() && key.equals(IP6)) {
                throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid annotation", "pod "
                        + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + ": annotation " + key
                        + " \"" + value + "\" is not one " + (key.equals(IP) ? "" : "IPv6 ") + "address");
            }
            requested.add(a);
        }
        return requested;
    }

    private void reportOnce(String message) {
        if (reported.add(message)) {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }

    private static List<String> names(List<IpPool> pools) {
        return pools.stream().map(IpPool::name).toList();
    }

    private static Map<String, String> labels(HasMetadata o) {
        return orEmpty(o.getMetadata().getLabels());
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return Objects.requireNonNullElse(map, Map.of());
    }
}
