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
        Named named = podPools(request, POOLS).or(() -> podPools(request, SPIDER_POOLS))
                .or(() -> podPool(request, POOL)).or(() -> podPool(request, SPIDER_POOL))
                .or(() -> namespacePools(request, NS_IPV4, NS_IPV6))
                .or(() -> namespacePools(request, SPIDER_NS_IPV4, SPIDER_NS_IPV6))
                .orElse(null);
        List<String> reasons = new ArrayList<>();
        List<IpPool> v4 = new ArrayList<>();
        List<IpPool> v6 = new ArrayList<>();
        String source;
        if (named != null) {
            source = named.source();
            keep(request, byName(named.ipv4(), pools, reasons), 4, v4, reasons);
            keep(request, byName(named.ipv6(), pools, reasons), 6, v6, reasons);
            requireEach(request, source, named.ipv4().isEmpty() ? 0 : 4, v4, reasons);
            requireEach(request, source, named.ipv6().isEmpty() ? 0 : 6, v6, reasons);
        } else {
            List<IpPool> candidates;
            if (!request.cniPools().isEmpty()) {
                source = "the CNI configuration's pools " + request.cniPools();
                candidates = new ArrayList<>();
                for (String name : request.cniPools()) {
                    candidates.addAll(byCniName(name, pools, reasons));
                }
            } else {
                source = "the pools with spec.default: true";
                candidates = pools.stream().filter(IpPool::isDefault).toList();
            }
            keep(request, candidates.stream().filter(p -> p.ipVersion() == 4).toList(), 4, v4, reasons);
            keep(request, candidates.stream().filter(p -> p.ipVersion() == 6).toList(), 6, v6, reasons);
            boolean any4 = candidates.stream().anyMatch(p -> p.ipVersion() == 4);
            boolean any6 = candidates.stream().anyMatch(p -> p.ipVersion() == 6);
            requireEach(request, source, any4 ? 4 : 0, v4, reasons);
            requireEach(request, source, any6 ? 6 : 0, v6, reasons);
        }
        if (v4.isEmpty() && v6.isEmpty()) {
            throw new InvalidInputException(subject(request) + ": no IPPool from " + source
                    + (reasons.isEmpty() ? ": it names none" : ": " + String.join("; ", reasons)));
        }
        return new Choice(List.copyOf(v4), List.copyOf(v6), source);
    }

    /** A family that was asked for must keep a pool: a dual-stack pod must not silently come up single-stack. */
    private static void requireEach(Request request, String source, int version, List<IpPool> left,
                                    List<String> reasons) {
        if (version != 0 && left.isEmpty()) {
            throw new InvalidInputException(subject(request) + ": no " + AddressSpans.family(version)
                    + " IPPool left from " + source + ": " + String.join("; ", reasons));
        }
    }

    private static String subject(Request request) {
        return "pod " + request.pod().namespace() + "/" + request.pod().name() + " interface "
                + request.interfaceName();
    }

    private static Optional<Named> podPools(Request request, String annotation) {
        JsonNode list = json(request, request.pod().annotations(), annotation, "pod");
        if (list == null) {
            return Optional.empty();
        }
        if (!list.isArray()) {
            throw malformed(request, annotation, "pod", "a list of {interface, ipv4, ipv6}");
        }
        for (JsonNode entry : list) {
            if (!entry.path("interface").isTextual()) {
                throw malformed(request, annotation, "pod", "an \"interface\" in every entry");
            }
            if (entry.path("interface").asText().equals(request.interfaceName())) {
                return Optional.of(named(request, entry, annotation, "pod annotation " + annotation));
            }
        }
        return Optional.empty();
    }

    private static Optional<Named> podPool(Request request, String annotation) {
        JsonNode entry = json(request, request.pod().annotations(), annotation, "pod");
        if (entry == null) {
            return Optional.empty();
        }
        if (!entry.isObject()) {
            throw malformed(request, annotation, "pod", "an object {ipv4, ipv6}");
        }
        // Spiderpool lets this annotation name its interface; for any other interface it does not apply.
        JsonNode nic = entry.path("interface");
        if (nic.isTextual() && !nic.asText().isEmpty() && !nic.asText().equals(request.interfaceName())) {
            return Optional.empty();
        }
        return Optional.of(named(request, entry, annotation, "pod annotation " + annotation));
    }

    private static Optional<Named> namespacePools(Request request, String v4, String v6) {
        Map<String, String> annotations = request.namespace().annotations();
        if (!annotations.containsKey(v4) && !annotations.containsKey(v6)) {
            return Optional.empty();
        }
        return Optional.of(new Named(names(request, json(request, annotations, v4, "namespace"), v4, "namespace"),
                names(request, json(request, annotations, v6, "namespace"), v6, "namespace"),
                "namespace " + request.namespace().name() + " annotations " + v4 + "/" + v6));
    }

    private static Named named(Request request, JsonNode entry, String annotation, String source) {
        return new Named(names(request, entry.get("ipv4"), annotation, "pod"),
                names(request, entry.get("ipv6"), annotation, "pod"), source);
    }

    private static List<String> names(Request request, JsonNode list, String annotation, String on) {
        List<String> names = new ArrayList<>();
        if (list == null || list.isNull()) {
            return names;
        }
        if (!list.isArray()) {
            throw malformed(request, annotation, on, "lists of pool names");
        }
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                throw malformed(request, annotation, on, "lists of pool names");
            }
            names.add(n.asText());
        }
        return names;
    }

    /** The annotation's JSON, or null when it is absent. */
    private static JsonNode json(Request request, Map<String, String> annotations, String annotation, String on) {
        String text = annotations.get(annotation);
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(owner(request, on) + ": annotation " + annotation + " is not JSON: "
                    + e.getOriginalMessage());
        }
    }

    private static InvalidInputException malformed(Request request, String annotation, String on, String expected) {
        return new InvalidInputException(owner(request, on) + ": annotation " + annotation + " must hold " + expected
                + ", got " + (on.equals("pod") ? request.pod().annotations() : request.namespace().annotations())
                .get(annotation));
    }

    private static String owner(Request request, String on) {
        return on.equals("pod") ? "pod " + request.pod().namespace() + "/" + request.pod().name()
                : "namespace " + request.namespace().name();
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

    private static void keep(Request request, List<IpPool> candidates, int version, List<IpPool> kept,
                             List<String> reasons) {
        for (IpPool pool : candidates) {
            String why = filteredOut(request, pool, version);
            if (why == null) {
                kept.add(pool);
            } else {
                reasons.add("pool " + pool.name() + ": " + why);
            }
        }
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
