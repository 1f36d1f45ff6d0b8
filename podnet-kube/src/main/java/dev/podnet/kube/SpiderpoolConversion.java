package dev.podnet.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.net.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Spiderpool's objects as podnet's ({@code podnet convert spiderpool}): a SpiderIPPool becomes an IPPool and a
 * SpiderMultusConfig a NetworkConfig, each with the same spec, since podnet took Spiderpool's spec for both. What
 * podnet has no counterpart for is left out and said so; every converted object is read back by podnet's own parser,
 * so what it would refuse is an error here, naming the object, and nothing is written.
 */
public final class SpiderpoolConversion {
    static final String SPIDER_GROUP = "spiderpool.spidernet.io/";
    /** Server-side metadata: meaningless, or harmful (a resourceVersion), on a new object. */
    private static final Set<String> SERVER_METADATA = Set.of("uid", "resourceVersion", "generation",
            "creationTimestamp", "managedFields", "ownerReferences", "finalizers", "selfLink", "deletionTimestamp",
            "deletionGracePeriodSeconds");
    /** SpiderIPPool spec fields podnet does not read, and why. */
    private static final List<String[]> IPPOOL_DROPPED = List.<String[]>of(
            new String[] {"vlan", "podnet makes no VLAN link: name the VLAN master (eth1.100) in the NetworkConfig"});

    /** The converted objects, in input order, and what was left out. */
    public record Result(List<ObjectNode> objects, List<String> notes) {
        public Result {
            objects = List.copyOf(objects);
            notes = List.copyOf(notes);
        }
    }

    private SpiderpoolConversion() {
    }

    /**
     * Converts every Spiderpool object among {@code documents} ({@code kind: List} documents are opened).
     *
     * @throws InvalidInputException listing every object that podnet would refuse
     */
    public static Result convert(List<JsonNode> documents) {
        List<ObjectNode> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Map<String, ObjectNode> pools = new HashMap<>();
        List<JsonNode> multus = new ArrayList<>();
        for (JsonNode doc : expand(documents)) {
            String kind = doc.path("kind").asText();
            String name = doc.path("metadata").path("name").asText("(no name)");
            if (!doc.path("apiVersion").asText().startsWith(SPIDER_GROUP)) {
                notes.add(kind + " " + name + ": not a Spiderpool object, left out");
                continue;
            }
            try {
                switch (kind) {
                    case "SpiderIPPool" -> {
                        ObjectNode pool = ipPool(doc, notes);
                        pools.put(name, pool);
                        out.add(pool);
                    }
                    // After the pools: it may label them.
                    case "SpiderMultusConfig" -> multus.add(doc);
                    default -> notes.add(kind + " " + name + ": podnet has no counterpart, left out"
                            + hint(kind));
                }
            } catch (InvalidInputException e) {
                errors.add(e.getMessage());
            }
        }
        for (JsonNode doc : multus) {
            try {
                out.add(networkConfig(doc, pools, notes));
            } catch (InvalidInputException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("nothing converted; podnet would refuse:\n  " + String.join("\n  ", errors));
        }
        return new Result(out, notes);
    }

    private static ObjectNode ipPool(JsonNode doc, List<String> notes) {
        ObjectNode pool = header(doc, IpPool.GROUP + "/" + IpPool.VERSION, IpPool.KIND, false);
        ObjectNode spec = ((ObjectNode) doc.path("spec")).deepCopy();
        for (String[] dropped : IPPOOL_DROPPED) {
            if (spec.has(dropped[0])) {
                notes.add("SpiderIPPool " + pool.path("metadata").path("name").asText() + ": spec." + dropped[0] + " "
                        + spec.get(dropped[0]) + " left out: " + dropped[1]);
                spec.remove(dropped[0]);
            }
        }
        pool.set("spec", spec);
        IpPool.fromJson(pool, "SpiderIPPool " + pool.path("metadata").path("name").asText());
        return pool;
    }

    /**
     * The NetworkConfig of a SpiderMultusConfig. Spiderpool lets it name an IPv4 and an IPv6 pool; podnet's NAD
     * names one pool, which may be a group of IPPools labelled {@code podnet.dev/pool}: so the pools it names get
     * that label, the NetworkConfig's name, and the NetworkConfig names the group.
     */
    private static ObjectNode networkConfig(JsonNode doc, Map<String, ObjectNode> pools, List<String> notes) {
        ObjectNode config = header(doc, NetworkConfig.GROUP + "/" + NetworkConfig.VERSION, NetworkConfig.KIND, true);
        ObjectNode spec = ((ObjectNode) doc.path("spec")).deepCopy();
        config.set("spec", spec);
        String name = config.path("metadata").path("name").asText();
        String where = "SpiderMultusConfig " + config.path("metadata").path("namespace").asText() + "/" + name;
        JsonNode ippools = spec.path(spec.path("cniType").asText()).path("ippools");
        Set<String> named = new TreeSet<>();
        for (String family : List.of("ipv4", "ipv6")) {
            ippools.path(family).forEach(n -> named.add(n.asText()));
        }
        if (named.size() > 1) {
            for (String pool : named) {
                ObjectNode p = pools.get(pool);
                if (p == null) {
                    throw new InvalidInputException(where + " names SpiderIPPool " + pool + ", which is not in the "
                            + "input: convert the pools with the configs that name them");
                }
                ObjectNode labels = p.with("metadata").with("labels");
                String group = labels.path(PoolChoice.POOL_LABEL).asText(name);
                if (!group.equals(name)) {
                    throw new InvalidInputException(where + " and the NetworkConfig " + group + " both name "
                            + "SpiderIPPool " + pool + "; a podnet IPPool belongs to one group");
                }
                labels.put(PoolChoice.POOL_LABEL, name);
            }
            ObjectNode grouped = ((ObjectNode) ippools);
            for (String family : List.of("ipv4", "ipv6")) {
                if (grouped.has(family)) {
                    grouped.putArray(family).add(name);
                }
            }
            notes.add(where + ": IPPools " + named + " labelled " + PoolChoice.POOL_LABEL + "=" + name
                    + ", the pool its NetworkAttachmentDefinition names");
        }
        NetworkConfig.from(config);
        return config;
    }

    /** apiVersion, kind, and the metadata a user wrote: name, namespace (default: default), labels, annotations. */
    private static ObjectNode header(JsonNode doc, String apiVersion, String kind, boolean namespaced) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        object.put("apiVersion", apiVersion).put("kind", kind);
        ObjectNode meta = ((ObjectNode) doc.path("metadata")).deepCopy();
        meta.remove(SERVER_METADATA);
        if (namespaced && !meta.hasNonNull("namespace")) {
            meta.put("namespace", "default");
        } else if (!namespaced) {
            meta.remove("namespace");
        }
        object.set("metadata", meta);
        if (!doc.path("spec").isObject()) {
            throw new InvalidInputException(doc.path("kind").asText() + " " + meta.path("name").asText()
                    + ": no spec");
        }
        return object;
    }

    private static List<JsonNode> expand(List<JsonNode> documents) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode doc : documents) {
            if (doc == null || doc.isNull() || doc.isMissingNode()) {
                continue;
            }
            if (doc.path("kind").asText().equals("List")) {
                doc.path("items").forEach(all::add);
            } else {
                all.add(doc);
            }
        }
        return all;
    }

    private static String hint(String kind) {
        return switch (kind) {
            case "SpiderSubnet" -> " (its IPPools are converted one by one; podnet creates no pools from a subnet)";
            case "SpiderReservedIP" -> " (add its ips to the pools' spec.excludeIPs)";
            case "SpiderEndpoint" -> " (podnet records who holds an address itself: podnet ipam status)";
            case "SpiderCoordinator" -> " (podnet's main plugin sets up routes itself)";
            default -> "";
        };
    }
}
