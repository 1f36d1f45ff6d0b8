package dev.podnet.agent;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.CniException;
import dev.podnet.api.CniVersion;
import dev.podnet.cni.IpamBridge;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.PoolStatus;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import dev.podnet.warm.WarmPool;
import java.util.Set;

/**
 * Answers the agent socket's requests with the IPAM engine: one JSON line in, one out. Every failure becomes a
 * reply with the CNI code the plugin must print; nothing here throws back into the server.
 */
public final class AgentService {
    private final Ipam ipam;
    private final List<String> pools;
    private final AgentMetrics metrics;
    /** Pools fed from the cloud: their ADD, DEL and GC go through the warm pool, which owns their free list. */
    private final Map<String, WarmPool> warm;

    /** @param pools the configured pool names; the first serves requests that name none */
    public AgentService(Ipam ipam, List<String> pools, AgentMetrics metrics) {
        this(ipam, pools, metrics, Map.of());
    }

    public AgentService(Ipam ipam, List<String> pools, AgentMetrics metrics, Map<String, WarmPool> warm) {
        this.ipam = ipam;
        this.pools = List.copyOf(pools);
        this.metrics = metrics;
        this.warm = Map.copyOf(warm);
    }

    /** The line protocol: decode, answer, encode; a line that does not decode gets a code-6 error reply. */
    public String handle(String line) {
        long start = System.nanoTime();
        String op = "invalid";
        AgentReply reply;
        try {
            AgentRequest request = AgentWire.decodeRequest(line.getBytes(StandardCharsets.UTF_8));
            op = request.op().wire();
            reply = answer(request);
        } catch (CniException e) {
            reply = AgentReply.Failure.of(e);
        } catch (RuntimeException e) {
            reply = new AgentReply.Failure(CniException.INTERNAL, "internal error in the podnet agent", e.toString());
        }
        metrics.answered(op, System.nanoTime() - start);
        return line(reply);
    }

    /** The reply without the newline AgentWire ends it with: the server adds one. */
    private static String line(AgentReply reply) {
        return new String(AgentWire.encode(reply), StandardCharsets.UTF_8).stripTrailing();
    }

    /** The reply to a line longer than the protocol allows. */
    public static String tooLong(String problem) {
        return line(new AgentReply.Failure(CniException.DECODING_FAILURE, problem, ""));
    }

    AgentReply answer(AgentRequest request) {
        String pool = request.pool() != null ? request.pool() : pools.getFirst();
        if (!pools.contains(pool)) {
            return AgentReply.Failure.of(new CniException(CniException.INVALID_NETWORK_CONFIG, "unknown pool",
                    "ipam.pool \"" + pool + "\" is not served by this agent; its pools are " + pools));
        }
        try {
            return switch (request.op()) {
                case ADD -> add(request, pool);
                case DEL -> {
                    release(AttachmentKey.of(request.containerId(), request.ifName()));
                    yield new AgentReply.Success(null);
                }
                case CHECK -> new AgentReply.Success(ipam.find(AttachmentKey.of(request.containerId(), request.ifName()))
                        .map(a -> IpamBridge.result(a, CniVersion.CURRENT, List.of()))
                        .orElseThrow(() -> new CniException(CniException.UNKNOWN_CONTAINER, "unknown attachment",
                                "no address is held for " + request.containerId() + "/" + request.ifName())));
                case GC -> {
                    Set<AttachmentKey> valid = new HashSet<>();
                    request.validAttachments().forEach(a -> valid.add(AttachmentKey.of(a.containerId(), a.ifName())));
                    if (warm.containsKey(pool)) {
                        warm.get(pool).gc(valid);
                    } else {
                        ipam.gc(pool, valid);
                    }
                    yield new AgentReply.Success(null);
                }
                case STATUS -> status();
            };
        } catch (IpamException e) {
            if (request.op() == AgentRequest.Op.ADD) {
                metrics.failed(pool, e.reason().name().toLowerCase(java.util.Locale.ROOT));
            }
            return AgentReply.Failure.of(IpamBridge.error(e));
        } catch (CniException e) {
            return AgentReply.Failure.of(e);
        }
    }

    /** DEL names no pool the engine needs, but a cloud-fed pool must see its address come back. */
    private void release(AttachmentKey key) {
        WarmPool owner = ipam.find(key).map(a -> warm.get(a.pool())).orElse(null);
        if (owner != null) {
            owner.release(key);
        } else {
            ipam.release(key);
        }
    }

    private AgentReply add(AgentRequest request, String pool) {
        var r = IpamBridge.request(request.containerId(), request.ifName(), pool, request.ips());
        Allocation a = warm.containsKey(pool) ? warm.get(pool).allocate(r.key(), r.requested()) : ipam.allocate(r);
        metrics.allocated(pool, a.addresses().size());
        return new AgentReply.Success(IpamBridge.result(a, CniVersion.CURRENT, List.of()));
    }

    private AgentReply status() {
        var status = ipam.status();
        List<AgentReply.PoolStatus> pools = status.pools().stream().map(AgentService::counts).toList();
        List<AgentReply.Allocation> allocations = status.allocations().stream()
                .flatMap(a -> a.addresses().stream().map(addr -> new AgentReply.Allocation(addr.cidrText(),
                        a.key().containerId(), a.key().ifName(), a.pool())))
                .toList();
        return new AgentReply.Status(pools, allocations);
    }

    static AgentReply.PoolStatus counts(PoolStatus p) {
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
