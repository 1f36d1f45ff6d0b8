package dev.podnet.sim;

import dev.podnet.net.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The policies by name, as Caffeine's simulator registers its caches: {@code NAME} or {@code NAME:KEY=VALUE,...}
 * makes a fresh instance for one run. Without a choice every registered policy runs, with its defaults.
 */
public final class Policies {

    private interface Factory {
        Policy create(String name, PolicyContext context, Map<String, String> settings);
    }

    /** @param onNodes whether an agent can run it (the oracle reads the future) */
    private record Entry(String description, Set<String> keys, boolean onNodes, Factory factory) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("vpc-cni", new Entry("the AWS VPC CNI with its settings (defaults: WARM_ENI_TARGET=1)",
                Set.of("WARM_ENI_TARGET", "WARM_IP_TARGET", "MINIMUM_IP_TARGET", "WARM_PREFIX_TARGET",
                        "ENABLE_PREFIX_DELEGATION", "MAX_ENI"), true,
                (name, context, s) -> VpcCniPolicy.of(name, s)));
        REGISTRY.put("oracle", new Entry("knows every arrival ahead: the bound to measure against", Set.of("horizon"), false,
                (name, context, s) -> OraclePolicy.of(name, context, seconds(name, s, "horizon", 0) * 1000)));
        REGISTRY.put("podnet-adaptive", new Entry("sized from each node's arrival rate and bursts, cooldown, shared EC2 budget",
                Set.of("floor", "cooldown", "memory", "budget"), true,
                (name, context, s) -> new AdaptivePolicy(name, context,
                        integer(name, s, "floor", 7, 1), seconds(name, s, "cooldown", 600) * 1000,
                        seconds(name, s, "memory", 600) * 1000, fraction(name, s, "budget", 0.9))));
    }

    private Policies() {
    }

    /** Registered names, in the order they run. */
    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static String describe(String name) {
        return REGISTRY.get(name).description();
    }

    /** A fresh policy for one run of the scenario from {@code NAME} or {@code NAME:KEY=VALUE,...}. */
    public static Policy create(String spec, Scenario scenario) {
        return create(spec, PolicyContext.of(scenario), false);
    }

    /** The policy an agent runs ({@code PODNET_WARM_POLICY}); refuses those that read the future. */
    public static Policy forNode(String spec, PolicyContext context) {
        return create(spec, context, true);
    }

    private static Policy create(String spec, PolicyContext context, boolean onNode) {
        int colon = spec.indexOf(':');
        String base = colon < 0 ? spec : spec.substring(0, colon);
        Entry entry = REGISTRY.get(base);
        if (entry == null) {
            throw new InvalidInputException("policy \"" + base + "\" is not registered; the policies are " + names());
        }
        if (onNode && !entry.onNodes()) {
            throw new InvalidInputException("policy \"" + base + "\" reads the future and runs only in the simulator; "
                    + "a node runs one of " + REGISTRY.entrySet().stream().filter(e -> e.getValue().onNodes())
                    .map(Map.Entry::getKey).toList());
        }
        Map<String, String> settings = new TreeMap<>();
        if (colon >= 0) {
            for (String pair : spec.substring(colon + 1).split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || !entry.keys().contains(pair.substring(0, eq).trim())) {
                    throw new InvalidInputException("policy \"" + spec + "\": \"" + pair + "\" is not KEY=VALUE with a key of "
                            + entry.keys().stream().sorted().toList());
                }
                settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return entry.factory().create(spec, context, settings);
    }

    private static int integer(String policy, Map<String, String> s, String key, int absent, int min) {
        if (!s.containsKey(key)) {
            return absent;
        }
        try {
            int v = Integer.parseInt(s.get(key));
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("policy \"" + policy + "\": " + key + "=\"" + s.get(key)
                + "\" must be a whole number of at least " + min);
    }

    private static long seconds(String policy, Map<String, String> s, String key, int absent) {
        return integer(policy, s, key, absent, 0);
    }

    private static double fraction(String policy, Map<String, String> s, String key, double absent) {
        if (!s.containsKey(key)) {
            return absent;
        }
        try {
            double v = Double.parseDouble(s.get(key));
            if (v > 0 && v <= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("policy \"" + policy + "\": " + key + "=\"" + s.get(key)
                + "\" must be a fraction above 0 and at most 1");
    }
}
