package dev.podnet.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.net.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which IPPools one pod interface takes its addresses from, in Spiderpool's order: the first source that names pools
 * wins (pod annotation for this interface, pod annotation, namespace defaults, the CNI configuration, the pools marked
 * default), and its pools are then filtered by their affinities. Spiderpool's own annotations are read right after
 * podnet's at each level, so pods written for Spiderpool keep working.
 *
 * <p>A pure function of its inputs: the agent gathers the pod, namespace, node and pools, and this decides.
 */
public final class PoolChoice {
    public static final String POOLS = "podnet.dev/ippools";
    public static final String POOL = "podnet.dev/ippool";
    public static final String NS_IPV4 = "podnet.dev/default-ipv4-ippool";
    public static final String NS_IPV6 = "podnet.dev/default-ipv6-ippool";
    public static final String SPIDER_POOLS = "ipam.spidernet.io/ippools";
    public static final String SPIDER_POOL = "ipam.spidernet.io/ippool";
    public static final String SPIDER_NS_IPV4 = "ipam.spidernet.io/default-ipv4-ippool";
    public static final String SPIDER_NS_IPV6 = "ipam.spidernet.io/default-ipv6-ippool";
    /** The label that makes a group of pools answer to one name in a CNI configuration (e.g. per-node slots). */
    public static final String POOL_LABEL = "podnet.dev/pool";
    private static final ObjectMapper JSON = new ObjectMapper();

    public record PodView(String namespace, String name, Map<String, String> labels, Map<String, String> annotations) {
    }

    public record NamespaceView(String name, Map<String, String> labels, Map<String, String> annotations) {
    }

    public record NodeView(String name, Map<String, String> labels) {
    }

    /**
     * One interface's request.
     *
     * @param cniPools the pool names in the CNI configuration; each is an IPPool's name or a {@link #POOL_LABEL} value
     * @param network  the NetworkAttachmentDefinition "namespace/name" the interface comes from, if any
     */
    public record Request(PodView pod, NamespaceView namespace, NodeView node, String interfaceName,
                          List<String> cniPools, Optional<String> network) {
    }

    /** The candidates per family, in the order to try them, and the source that named them. */
    public record Choice(List<IpPool> ipv4, List<IpPool> ipv6, String source) {
    }

    /** The pool names a source gave per family; names, not pools, so that a missing one can be reported. */
    private record Named(List<String> ipv4, List<String> ipv6, String source) {
    }

    private PoolChoice() {
    }

    public static Choice choose(Request request, List<IpPool> pools) {
        List<String> reasons = new ArrayList<>();
        Named named = annotated(request).orElseGet(() -> configured(request, pools, reasons));
        List<IpPool> v4 = keep(request, byName(named.ipv4(), pools, reasons), 4, reasons);
        List<IpPool> v6 = keep(request, byName(named.ipv6(), pools, reasons), 6, reasons);
        requireEach(request, named, 4, named.ipv4(), v4, reasons);
        requireEach(request, named, 6, named.ipv6(), v6, reasons);
        if (v4.isEmpty() && v6.isEmpty()) {
            throw new InvalidInputException(subject(request) + ": no IPPool from " + named.source()
                    + (reasons.isEmpty() ? ": it names none" : ": " + String.join("; ", reasons)));
        }
        return new Choice(v4, v6, named.source());
    }

    /**
     * Whether the pod's or its namespace's annotations name pools for this interface: when they do not, an agent
     * whose own pool the network names serves the pod from it.
     */
    public static boolean named(Request request) {
        return annotated(request).isPresent();
    }

    private static Optional<Named> annotated(Request request) {
        return podPools(request, POOLS).or(() -> podPools(request, SPIDER_POOLS))
                .or(() -> podPool(request, POOL)).or(() -> podPool(request, SPIDER_POOL))
                .or(() -> namespacePools(request, NS_IPV4, NS_IPV6))
                .or(() -> namespacePools(request, SPIDER_NS_IPV4, SPIDER_NS_IPV6));
    }

    /** Without annotations: the CNI configuration's pools, else the default pools; each family's in list order. */
    private static Named configured(Request request, List<IpPool> pools, List<String> reasons) {
        List<IpPool> found = new ArrayList<>();
        String source;
        if (request.cniPools().isEmpty()) {
            source = "the pools with spec.default: true";
            found.addAll(pools.stream().filter(IpPool::isDefault).toList());
        } else {
            source = "the CNI configuration's pools " + request.cniPools();
            request.cniPools().forEach(name -> found.addAll(byCniName(name, pools, reasons)));
        }
        return new Named(found.stream().filter(p -> p.ipVersion() == 4).map(IpPool::name).toList(),
                found.stream().filter(p -> p.ipVersion() == 6).map(IpPool::name).toList(), source);
    }

    /** A family that was asked for must keep a pool: a dual-stack pod must not silently come up single-stack. */
    private static void requireEach(Request request, Named named, int version, List<String> asked, List<IpPool> left,
                                    List<String> reasons) {
        if (!asked.isEmpty() && left.isEmpty()) {
            throw new InvalidInputException(subject(request) + ": no " + AddressSpans.family(version)
                    + " IPPool left from " + named.source() + ": " + String.join("; ", reasons));
        }
    }

    private static String subject(Request request) {
        return "pod " + request.pod().namespace() + "/" + request.pod().name() + " interface "
                + request.interfaceName();
    }

    private static Optional<Named> podPools(Request request, String key) {
        Annotations pod = Annotations.of(request.pod());
        JsonNode list = pod.json(key);
        if (list == null) {
            return Optional.empty();
        }
        if (!list.isArray()) {
            throw pod.malformed(key, "a list of {interface, ipv4, ipv6}");
        }
        for (JsonNode entry : list) {
            if (!entry.path("interface").isTextual()) {
                throw pod.malformed(key, "an \"interface\" in every entry");
            }
            if (entry.path("interface").asText().equals(request.interfaceName())) {
                return Optional.of(new Named(pod.names(entry.get("ipv4"), key), pod.names(entry.get("ipv6"), key),
                        "pod annotation " + key));
            }
        }
        return Optional.empty();
    }

    private static Optional<Named> podPool(Request request, String key) {
        Annotations pod = Annotations.of(request.pod());
        JsonNode entry = pod.json(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!entry.isObject()) {
            throw pod.malformed(key, "an object {ipv4, ipv6}");
        }
        // Spiderpool lets this annotation name its interface; for any other interface it does not apply.
        String nic = entry.path("interface").asText("");
        if (!nic.isEmpty() && !nic.equals(request.interfaceName())) {
            return Optional.empty();
        }
        return Optional.of(new Named(pod.names(entry.get("ipv4"), key), pod.names(entry.get("ipv6"), key),
                "pod annotation " + key));
    }

    private static Optional<Named> namespacePools(Request request, String v4, String v6) {
        Annotations ns = new Annotations("namespace " + request.namespace().name(), request.namespace().annotations());
        if (!ns.values().containsKey(v4) && !ns.values().containsKey(v6)) {
            return Optional.empty();
        }
        return Optional.of(new Named(ns.names(ns.json(v4), v4), ns.names(ns.json(v6), v6),
                "namespace " + request.namespace().name() + " annotations " + v4 + "/" + v6));
    }

    /** One object's annotations, and the object as errors name it ("pod web/p1", "namespace web"). */
    private record Annotations(String owner, Map<String, String> values) {
        static Annotations of(PodView pod) {
            return new Annotations("pod " + pod.namespace() + "/" + pod.name(), pod.annotations());
        }

        /** The annotation's JSON, or null when it is absent. */
        JsonNode json(String key) {
            String text = values.get(key);
            if (text == null) {
                return null;
            }
            try {
                return JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new InvalidInputException(owner + ": annotation " + key + " is not JSON: "
                        + e.getOriginalMessage());
            }
        }

        List<String> names(JsonNode list, String key) {
            List<String> names = new ArrayList<>();
            if (list == null || list.isNull()) {
                return names;
            }
            if (!list.isArray()) {
                throw malformed(key, "lists of pool names");
            }
            for (JsonNode n : list) {
                if (!n.isTextual()) {
                    throw malformed(key, "lists of pool names");
                }
                names.add(n.asText());
            }
            return names;
        }

        InvalidInputException malformed(String key, String expected) {
            return new InvalidInputException(owner + ": annotation " + key + " must hold " + expected + ", got "
                    + values.get(key));
        }
    }

    private static List<IpPool> byName(List<String> names, List<IpPool> pools, List<String> reasons) {
        List<IpPool> found = new ArrayList<>();
        for (String name : names) {
            pools.stream().filter(p -> p.name().equals(name)).findFirst().ifPresentOrElse(found::add,
                    () -> reasons.add("pool " + name + " does not exist"));
        }
        return found;
    }

    /** An IPPool's name, else every IPPool labelled {@link #POOL_LABEL}={@code name}. */
    private static List<IpPool> byCniName(String name, List<IpPool> pools, List<String> reasons) {
        List<IpPool> found = pools.stream().filter(p -> p.name().equals(name)).toList();
        if (found.isEmpty()) {
            found = pools.stream().filter(p -> name.equals(p.labels().get(POOL_LABEL))).toList();
        }
        if (found.isEmpty()) {
            reasons.add("pool " + name + " does not exist and no IPPool is labelled " + POOL_LABEL + "=" + name);
        }
        return found;
    }

    private static List<IpPool> keep(Request request, List<IpPool> candidates, int version, List<String> reasons) {
        List<IpPool> kept = new ArrayList<>();
        for (IpPool pool : candidates) {
            String why = filteredOut(request, pool, version);
            if (why == null) {
                kept.add(pool);
            } else {
                reasons.add("pool " + pool.name() + ": " + why);
            }
        }
        return List.copyOf(kept);
    }

    /** Why the pool may not serve this request, or null if it may. */
    private static String filteredOut(Request r, IpPool pool, int version) {
        if (pool.ipVersion() != version) {
            return "an IPv" + pool.ipVersion() + " pool, named as " + AddressSpans.family(version);
        }
        if (pool.disable()) {
            return "disabled (spec.disable: true)";
        }
        if (pool.unclaimedSlot()) {
            return "a slot not claimed by any node";
        }
        // As in Spiderpool, nodeName takes precedence over nodeAffinity, and namespaceName over namespaceAffinity.
        if (!pool.nodeName().isEmpty()) {
            if (!pool.nodeName().contains(r.node().name())) {
                return "nodeName " + pool.nodeName() + " does not include " + r.node().name();
            }
        } else if (pool.nodeAffinity().isPresent() && !pool.nodeAffinity().get().matches(r.node().labels())) {
            return "nodeAffinity " + pool.nodeAffinity().get() + " does not match node " + r.node().name();
        }
        if (!pool.namespaceName().isEmpty()) {
            if (!pool.namespaceName().contains(r.namespace().name())) {
                return "namespaceName " + pool.namespaceName() + " does not include " + r.namespace().name();
            }
        } else if (pool.namespaceAffinity().isPresent()
                && !pool.namespaceAffinity().get().matches(r.namespace().labels())) {
            return "namespaceAffinity " + pool.namespaceAffinity().get() + " does not match namespace "
                    + r.namespace().name();
        }
        if (pool.podAffinity().isPresent() && !pool.podAffinity().get().matches(r.pod().labels())) {
            return "podAffinity " + pool.podAffinity().get() + " does not match pod " + r.pod().namespace() + "/"
                    + r.pod().name();
        }
        if (!pool.multusName().isEmpty() && r.network().isPresent()) {
            String network = r.network().get();
            // A bare name in multusName means that network in the pod's own namespace.
            boolean listed = pool.multusName().stream().anyMatch(m -> m.equals(network)
                    || !m.contains("/") && (r.pod().namespace() + "/" + m).equals(network));
            if (!listed) {
                return "multusName " + pool.multusName() + " does not include " + network;
            }
        }
        return null;
    }
}
