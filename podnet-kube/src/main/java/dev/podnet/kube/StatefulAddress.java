package dev.podnet.kube;

import dev.podnet.net.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One StatefulSet pod's addresses, kept for its name ({@code statefuladdresses.podnet.dev}, see
 * statefuladdresses-crd.yaml): the object is named as the pod, in the pod's namespace, and owned by the StatefulSet.
 *
 * @param owner           the StatefulSet, with its UID for the ownerReference
 * @param node            the node that holds the addresses
 * @param podUid          the UID of the pod last given them
 * @param resourceVersion as read; empty for an object not yet written
 */
public record StatefulAddress(String namespace, String name, Owner owner, String node, String podUid,
                              List<Interface> interfaces, Optional<String> resourceVersion) {
    public static final String GROUP = "podnet.dev";
    public static final String VERSION = "v1";
    public static final String KIND = "StatefulAddress";
    public static final String PLURAL = "statefuladdresses";

    /** The StatefulSet a pod belongs to (its controller ownerReference). */
    public record Owner(String name, String uid) {
        public Owner {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(uid, "uid");
        }
    }

    /**
     * One interface's addresses: {@code network} is the CNI network's pool (what the allocation is recorded under),
     * {@code pools} the IPPools they came from (empty: the network's own pool).
     */
    public record Interface(String name, String network, List<String> pools, List<String> addresses) {
        public Interface {
            pools = List.copyOf(pools);
            addresses = List.copyOf(addresses);
        }
    }

    public StatefulAddress {
        Objects.requireNonNull(owner, "owner");
        interfaces = List.copyOf(interfaces);
    }

    public Optional<Interface> iface(String ifName) {
        return interfaces.stream().filter(i -> i.name().equals(ifName)).findFirst();
    }

    /** The same, with {@code i} replacing the interface of the same name or added. */
    public StatefulAddress with(Interface i) {
        List<Interface> all = new ArrayList<>(interfaces.stream().filter(x -> !x.name().equals(i.name())).toList());
        all.add(i);
        return new StatefulAddress(namespace, name, owner, node, podUid, all, resourceVersion);
    }

    /** The same, held by {@code node} for the pod {@code podUid}. */
    public StatefulAddress heldBy(String node, String podUid) {
        return new StatefulAddress(namespace, name, owner, node, podUid, interfaces, resourceVersion);
    }

    /** The object's body, for a create or an update (which carries the resourceVersion read). */
    Map<String, Object> spec() {
        List<Map<String, Object>> ifs = interfaces.stream().map(i -> Map.<String, Object>of("name", i.name(),
                "network", i.network(), "pools", i.pools(), "addresses", i.addresses())).toList();
        return Map.of("node", node, "podUID", podUid, "interfaces", ifs);
    }

    /** Reads the object; an object without the fields podnet writes is an error naming it and the field. */
    @SuppressWarnings("unchecked")
    static StatefulAddress of(String namespace, String name, Owner owner, Map<String, Object> spec,
                              String resourceVersion) {
        String where = KIND + " " + namespace + "/" + name;
        if (spec == null) {
            throw new InvalidInputException(where + " has no spec");
        }
        List<Interface> ifs = new ArrayList<>();
        Object list = spec.get("interfaces");
        if (!(list instanceof List<?> items)) {
            throw new InvalidInputException(where + ": spec.interfaces is not a list: " + list);
        }
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m)) {
                throw new InvalidInputException(where + ": spec.interfaces has an entry that is not an object: " + item);
            }
            Map<String, Object> i = (Map<String, Object>) m;
            ifs.add(new Interface(text(where, "spec.interfaces[].name", i.get("name")),
                    text(where, "spec.interfaces[].network", i.get("network")),
                    strings(where, "spec.interfaces[].pools", i.getOrDefault("pools", List.of())),
                    strings(where, "spec.interfaces[].addresses", i.get("addresses"))));
        }
        return new StatefulAddress(namespace, name, owner, text(where, "spec.node", spec.get("node")),
                text(where, "spec.podUID", spec.get("podUID")), ifs, Optional.ofNullable(resourceVersion));
    }

    private static String text(String where, String field, Object value) {
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new InvalidInputException(where + ": " + field + " must be a non-empty string, got " + value);
        }
        return s;
    }

    private static List<String> strings(String where, String field, Object value) {
        if (!(value instanceof List<?> list) || !list.stream().allMatch(x -> x instanceof String)) {
            throw new InvalidInputException(where + ": " + field + " must be a list of strings, got " + value);
        }
        return list.stream().map(String.class::cast).toList();
    }
}
