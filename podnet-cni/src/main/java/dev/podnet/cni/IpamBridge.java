package dev.podnet.cni;

import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AllocationRequest;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.PodRef;
import dev.podnet.ipam.Pool;
import dev.podnet.net.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates between the CNI world (podnet-api) and the IPAM engine (podnet-ipam), for the plugin's embedded mode
 * and for the agent, so both answer the same request with the same result and the same error code.
 */
public final class IpamBridge {
    /** podnet's own error code (CNI leaves 100 and up to plugins): the address asked for is held by another pod. */
    public static final int ADDRESS_IN_USE = 100;
    static final String K8S_POD_NAMESPACE = "K8S_POD_NAMESPACE";
    static final String K8S_POD_NAME = "K8S_POD_NAME";
    static final String K8S_POD_UID = "K8S_POD_UID";

    private IpamBridge() {
    }

    /** The CNI error for an engine failure: exhaustion may pass (quarantine ends, pods leave), so it is code 11. */
    public static CniException error(IpamException e) {
        return switch (e.reason()) {
            case EXHAUSTED -> new CniException(CniException.TRY_AGAIN_LATER, "no free address", e.getMessage());
            case CONFLICT -> new CniException(ADDRESS_IN_USE, "address in use", e.getMessage());
            case INVALID_REQUEST -> new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid request", e.getMessage());
            case NOT_FOUND -> new CniException(CniException.UNKNOWN_CONTAINER, "unknown attachment", e.getMessage());
            case INTERNAL -> new CniException(CniException.IO_FAILURE, "podnet IPAM state failure", e.getMessage());
        };
    }

    /** @param args CNI_ARGS, where the runtime names the pod behind the attachment (see {@link #pod}) */
    public static AllocationRequest request(String containerId, String ifName, String pool, List<String> ips,
                                            Map<String, String> args) {
        try {
            List<String> addresses = ips.stream().map(IpamBridge::withoutPrefix).toList();
            return AllocationRequest.of(AttachmentKey.of(containerId, ifName), pool, addresses.toArray(String[]::new))
                    .withPod(pod(args));
        } catch (IpamException e) {
            throw error(e);
        }
    }

    /**
     * The pod from CNI_ARGS as containerd and CRI-O pass it ({@code K8S_POD_NAMESPACE}, {@code K8S_POD_NAME},
     * {@code K8S_POD_UID}); empty unless all three are there (a runtime outside Kubernetes passes none). A value that
     * cannot be a Kubernetes name is the runtime's error, code 4, before anything is allocated.
     */
    public static Optional<PodRef> pod(Map<String, String> args) {
        String namespace = args.get(K8S_POD_NAMESPACE);
        String name = args.get(K8S_POD_NAME);
        String uid = args.get(K8S_POD_UID);
        if (namespace == null || name == null || uid == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PodRef(namespace, name, uid));
        } catch (IpamException e) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_ARGS", e.getMessage());
        }
    }

    /** The "ips" capability allows "10.1.2.3" and "10.1.2.3/24"; the prefix comes from the range either way. */
    private static String withoutPrefix(String ip) {
        int slash = ip.indexOf('/');
        return slash < 0 ? ip : ip.substring(0, slash);
    }

    public static CniResult result(Allocation allocation, String cniVersion, List<CniResult.Route> routes) {
        List<CniResult.IpConfig> ips = allocation.addresses().stream()
                .map(a -> CniResult.IpConfig.of(a.cidrText(),
                        a.gateway().map(g -> g.withoutPrefixLength().toCanonicalString()).orElse(null)))
                .toList();
        return CniResult.ofIps(cniVersion, ips, routes);
    }

    /**
     * host-local's {@code ranges} as one pool: podnet allocates one address per family, so the configuration may
     * have one range set per family (the usual single-stack or dual-stack setup).
     */
    public static Pool pool(String name, NetConf.Ipam ipam) {
        if (ipam.ranges().isEmpty()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid network config",
                    "ipam needs \"agentSocket\" (agent mode) or \"ranges\" (embedded mode)");
        }
        List<IpRange> ranges = new ArrayList<>();
        boolean[] seen = new boolean[2];
        for (List<NetConf.IpRange> set : ipam.ranges()) {
            List<IpRange> converted = set.stream().map(IpamBridge::range).toList();
            int family = converted.getFirst().isIpv4() ? 0 : 1;
            if (seen[family] || converted.stream().anyMatch(r -> r.isIpv4() != (family == 0))) {
                throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field ipam.ranges",
                        "podnet-ipam takes one range set per IP family; each set's ranges must be of one family");
            }
            seen[family] = true;
            ranges.addAll(converted);
        }
        try {
            return Pool.of(name, ranges.toArray(IpRange[]::new));
        } catch (IpamException e) {
            throw error(e);
        }
    }

    private static IpRange range(NetConf.IpRange r) {
        try {
            IpRange.Builder b = IpRange.builder(r.subnet());
            if (r.rangeStart() != null) {
                b.rangeStart(r.rangeStart());
            }
            if (r.rangeEnd() != null) {
                b.rangeEnd(r.rangeEnd());
            }
            if (r.gateway() != null) {
                b.gateway(r.gateway());
            }
            return b.build();
        } catch (IpamException e) {
            throw error(e);
        } catch (InvalidInputException e) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid network config",
                    "ipam.ranges: " + e.getMessage());
        }
    }
}
