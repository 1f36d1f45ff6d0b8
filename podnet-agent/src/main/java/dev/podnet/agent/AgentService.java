package dev.podnet.agent;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.CniException;
import dev.podnet.api.CniVersion;
import dev.podnet.cni.IpamBridge;
import dev.podnet.cni.PluginInAgent;
import dev.podnet.ipam.AddressUse;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AllocationRequest;
import inet.ipaddr.IPAddress;
import io.fabric8.kubernetes.api.model.Pod;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.PoolStatus;
import dev.podnet.kube.KubeApiException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import dev.podnet.linux.NetNamespace;

/**
 * Answers the agent socket's requests with the IPAM engine: one JSON line in, one out. Every failure becomes a
 * reply with the CNI code the plugin must print; nothing here throws back into the server.
 */
public final class AgentService {
    private final Ipam ipam;
    private final List<String> pools;
    private final AgentMetrics metrics;
    /** Pools fed from outside the engine (EC2, the cluster's blocks), by name. */
    private final Map<String, FedPool> fed;
    /** The route table of each pool on a secondary ENI, by name (AgentConfig.routeTables). */
    private final Map<String, Integer> routeTables;
    /** Where the plugin run for exec puts each pod's node side. */
    private final NetNamespace node;
    /** The API server's IPPools, when the agent has an API server; null without. */
    private final ApiPools apiPools;
    /** The pool feeding each pool name's addresses, when not the engine ({@link FedPool#lookup}). */
    private final Function<String, Optional<FedPool>> feeds;
    /** StatefulSet pods' fixed addresses, when the agent has an API server; null without. */
    private final StatefulPods stateful;

    /**
     * @param pools       the configured pool names; the first serves requests that name none
     * @param routeTables the route table of each pool on a secondary ENI, by name
     * @param node        where the plugin run for exec puts each pod's node side
     * @param apiPools    the API server's IPPools, or null without an API server: then a network must name one of
     *                    {@code pools}
     */
    AgentService(Ipam ipam, List<String> pools, AgentMetrics metrics, Map<String, FedPool> fed,
                 Map<String, Integer> routeTables, NetNamespace node, ApiPools apiPools) {
        this(ipam, pools, metrics, fed, routeTables, node, apiPools, null);
    }

    /** @param stateful StatefulSet pods' fixed addresses, or null without an API server */
    AgentService(Ipam ipam, List<String> pools, AgentMetrics metrics, Map<String, FedPool> fed,
                 Map<String, Integer> routeTables, NetNamespace node, ApiPools apiPools, StatefulPods stateful) {
        this.stateful = stateful;
        this.node = node;
        this.apiPools = apiPools;
        this.ipam = ipam;
        this.pools = List.copyOf(pools);
        this.metrics = metrics;
        this.fed = Map.copyOf(fed);
        this.feeds = FedPool.lookup(this.fed, apiPools);
        this.routeTables = Map.copyOf(routeTables);
    }

    /** The line protocol: decode, answer, encode; a line that does not decode gets a code-6 error reply. */
    public String handle(String line) {
        long start = System.nanoTime();
        String op = "invalid";
        AgentReply reply;
        try {
            AgentRequest request = AgentWire.decodeRequest(line.getBytes(StandardCharsets.UTF_8));
            op = label(request);
            reply = answer(request);
        } catch (CniException e) {
            reply = AgentReply.Failure.of(e);
        } catch (RuntimeException e) {
            reply = new AgentReply.Failure(CniException.INTERNAL, "internal error in the podnet agent", e.toString());
        }
        metrics.answered(op, System.nanoTime() - start);
        return AgentWire.replyLine(reply);
    }

    /**
     * The metrics label: an exec request counts as the CNI command it carries, so the per-operation latencies
     * keep meaning "add", "del"... whichever way the plugin asked.
     */
    private static String label(AgentRequest request) {
        if (request.op() != AgentRequest.Op.EXEC) {
            return request.op().wire();
        }
        String command = request.exec().env().getOrDefault("CNI_COMMAND", "").toLowerCase(Locale.ROOT);
        return switch (command) {
            case "add", "del", "check", "gc", "status" -> command;
            default -> "exec";
        };
    }

    AgentReply answer(AgentRequest request) {
        if (request.op() == AgentRequest.Op.EXEC) {
            // The plugin's whole run, in-process: its requests come back here through answer(), pool checks included.
            return PluginInAgent.run(request.exec(), this::answer, node);
        }
        String pool = request.pool() != null ? request.pool() : pools.getFirst();
        // With an API server a network may name IPPools instead (ApiPools), which only an ADD can tell.
        if (!pools.contains(pool) && (apiPools == null || request.op() == AgentRequest.Op.ADD
                && IpamBridge.pod(request.args()).isEmpty())) {
            return AgentReply.Failure.of(new CniException(CniException.INVALID_NETWORK_CONFIG, "unknown pool",
                    "ipam.pool \"" + pool + "\" is not served by this agent; its pools are " + pools
                            + (apiPools == null ? "" : " and the IPPools named for a pod (CNI_ARGS K8S_POD_*)")));
        }
        try {
            return switch (request.op()) {
                case ADD -> add(request, pool);
                case DEL -> {
                    AttachmentKey key = AttachmentKey.of(request.containerId(), request.ifName());
                    if (stateful != null) {
                        stateful.del(key, this::release);
                    } else {
                        release(key);
                    }
                    yield new AgentReply.Success(null);
                }
                case CHECK -> ipam.find(AttachmentKey.of(request.containerId(), request.ifName()))
                        .map(this::held)
                        .orElseThrow(() -> new CniException(CniException.UNKNOWN_CONTAINER, "unknown attachment",
                                "no address is held for " + request.containerId() + "/" + request.ifName()));
                case GC -> {
                    Set<AttachmentKey> listed = new HashSet<>();
                    request.validAttachments().forEach(a -> listed.add(AttachmentKey.of(a.containerId(), a.ifName())));
                    // The runtime does not know the reservations of StatefulSet pods: they stay valid.
                    Set<AttachmentKey> valid = stateful == null ? listed : stateful.keepThroughGc(pool,
                            listed, this::release);
                    if (fedPool(pool).isPresent()) {
                        fedPool(pool).get().gc(valid);
                    } else {
                        ipam.gc(pool, valid);
                    }
                    yield new AgentReply.Success(null);
                }
                case STATUS -> status();
                case EXEC -> throw new IllegalStateException("exec is answered above");
            };
        } catch (IpamException e) {
            return failed(request, pool, e.reason().name().toLowerCase(Locale.ROOT), IpamBridge.error(e));
        } catch (KubeApiException e) {
            // Nothing was changed: the runtime retries the ADD once the server answers again.
            return failed(request, pool, "api_server", new CniException(CniException.TRY_AGAIN_LATER,
                    "Kubernetes API server unavailable", e.getMessage()));
        } catch (CniException e) {
            return AgentReply.Failure.of(e);
        }
    }

    private AgentReply failed(AgentRequest request, String pool, String reason, CniException error) {
        if (request.op() == AgentRequest.Op.ADD) {
            metrics.failed(pool, reason);
        }
        return AgentReply.Failure.of(error);
    }

    /** DEL, and GC from the API server: they name no pool, but a fed pool must see its address come back. */
    Optional<Allocation> release(AttachmentKey key) {
        FedPool owner = ipam.find(key).flatMap(a -> fedPool(a.pool())).orElse(null);
        return owner != null ? owner.release(key) : ipam.release(key);
    }

    /** The pool that feeds {@code pool}'s addresses, when not the engine: EC2, the cluster's or a shared IPPool's blocks. */
    private Optional<FedPool> fedPool(String pool) {
        return feeds.apply(pool);
    }

    private AgentReply add(AgentRequest request, String pool) {
        var r = IpamBridge.request(request.containerId(), request.ifName(), pool, request.ips(), request.args());
        Optional<FedPool> shared = Optional.empty();
        Optional<Pod> pod = Optional.empty();
        if (apiPools != null && r.pod().isPresent()) {
            ApiPools.Chosen chosen = apiPools.choose(r.pod().get(), request.ifName(), pool);
            // Addresses the runtime asks for (CNI "ips") come before the pod's annotations.
            r = new AllocationRequest(r.key(), pool, r.requested().isEmpty() ? chosen.requested() : r.requested(),
                    r.pod(), chosen.sources());
            shared = chosen.shared().map(FedPool::of);
            pod = chosen.pod();
        }
        try {
            Optional<FedPool> from = shared;
            // A shared pool's allocation is recorded under the pool's name, as its blocks know their pods by it.
            Function<AllocationRequest, Allocation> allocate = from.isEmpty() ? this::allocate : req -> {
                Allocation a = from.get().allocate(req.key(), req.requested(), req.pod());
                metrics.allocated(a.pool(), a.addresses().size());
                return a;
            };
            if (stateful != null && r.pod().isPresent()) {
                Optional<Allocation> kept = stateful.add(r, pod, allocate, this::release);
                if (kept.isPresent()) {
                    return held(kept.get());
                }
            }
            return held(allocate.apply(r));
        } catch (IpamException e) {
            throw e.reason() == IpamException.Reason.CONFLICT && !r.requested().isEmpty() ? withOwner(e, r) : e;
        }
    }

    private Allocation allocate(AllocationRequest r) {
        // Addresses from IPPools (sources) are the engine's, whatever feeds the network's own pool.
        FedPool f = r.sources().isEmpty() ? fed.get(r.pool()) : null;
        Allocation a = f != null ? f.allocate(r.key(), r.requested(), r.pod()) : ipam.allocate(r);
        metrics.allocated(r.pool(), a.addresses().size());
        return a;
    }

    /** "Held by c1/eth0" says little to a person who asked for an address: name the pod that holds it. */
    private IpamException withOwner(IpamException e, AllocationRequest r) {
        for (IPAddress address : r.requested()) {
            if (ipam.use(address) instanceof AddressUse.Held held) {
                String owner = ipam.find(held.key()).flatMap(Allocation::pod).map(p -> "pod " + p + " (")
                        .orElse("(") + "container " + held.key() + ")";
                return new IpamException(e.reason(), "requested address " + address.toCanonicalString()
                        + " is held by " + owner, e);
            }
        }
        return e;
    }

    /**
     * An attachment's addresses, with their route table for the main plugin's rules: a fed pool's is the table of
     * the ENI holding the address (scoped to the VPC's blocks when the node SNATs), a fixed pool's its {@code table=N}.
     */
    private AgentReply.Success held(Allocation a) {
        FedPool f = fedPool(a.pool()).orElse(null);
        Integer table = f != null ? f.routeTable(a).orElse(null) : routeTables.get(a.pool());
        List<String> scope = f != null && table != null ? f.routeScope() : List.of();
        return new AgentReply.Success(IpamBridge.result(a, CniVersion.CURRENT, List.of()), table, scope);
    }

    private AgentReply status() {
        var status = ipam.status();
        List<AgentReply.PoolStatus> pools = status.pools().stream().map(this::counts).toList();
        List<AgentReply.Allocation> allocations = status.allocations().stream()
                .flatMap(a -> a.addresses().stream().map(addr -> new AgentReply.Allocation(addr.cidrText(),
                        a.key().containerId(), a.key().ifName(), a.pool(),
                        a.pod().map(p -> new AgentReply.Pod(p.namespace(), p.name(), p.uid())).orElse(null))))
                .toList();
        return new AgentReply.Status(pools, allocations);
    }

    /** The pools' counts; a fed pool counts what the node holds, not the engine range behind it. */
    List<AgentReply.PoolStatus> poolCounts() {
        return ipam.poolStatus().stream().map(this::counts).toList();
    }

    private AgentReply.PoolStatus counts(PoolStatus p) {
        FedPool f = fedPool(p.pool()).orElse(null);
        return f != null ? f.counts(p.pool()) : engineCounts(p);
    }

    static AgentReply.PoolStatus engineCounts(PoolStatus p) {
        PoolStatus.Counts v4 = p.ipv4();
        PoolStatus.Counts v6 = p.ipv6();
        return new AgentReply.PoolStatus(p.pool(), sum(v4.total(), v6.total()), sum(v4.used(), v6.used()),
                sum(v4.free(), v6.free()), sum(v4.quarantined(), v6.quarantined()));
    }

    /** IPv6 ranges can be larger than a long counts; the wire reports Long.MAX_VALUE then. */
    private static long sum(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }
}
