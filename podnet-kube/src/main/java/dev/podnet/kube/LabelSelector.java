package dev.podnet.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.net.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes LabelSelector (metav1.LabelSelector): matchLabels and matchExpressions, all ANDed. An empty selector
 * matches every object; "no selector" is not represented here but by an empty Optional at the field that holds one,
 * because for an IPPool's affinities an absent selector means "no constraint", not metav1's "matches nothing".
 *
 * <p>Validated as the API server validates a selector (operator known; values for In and NotIn, none for Exists and
 * DoesNotExist), so a selector that the server would refuse on a Deployment is refused on an IPPool too.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

    public enum Operator { In, NotIn, Exists, DoesNotExist }

    /** One matchExpressions entry. */
    public record Requirement(String key, Operator operator, Set<String> values) {
        public Requirement {
            values = Set.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case In -> value != null && values.contains(value);
                // NotIn also matches objects without the key, as in Kubernetes.
                case NotIn -> value == null || !values.contains(value);
                case Exists -> value != null;
                case DoesNotExist -> value == null;
            };
        }
    }

    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    /** The selector that matches everything. */
    public static LabelSelector everything() {
        return new LabelSelector(Map.of(), List.of());
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return matchExpressions.stream().allMatch(r -> r.matches(labels));
    }

    /** A selector object; {@code where} names it in errors, e.g. {@code IPPool "blue": spec.nodeAffinity}. */
    public static LabelSelector fromJson(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new InvalidInputException(where + " must be a label selector object, got " + node);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode ml = node.path("matchLabels");
        if (!ml.isMissingNode() && !ml.isNull()) {
            if (!ml.isObject()) {
                throw new InvalidInputException(where + ".matchLabels must be an object, got " + ml);
            }
            for (Map.Entry<String, JsonNode> e : ml.properties()) {
                if (!e.getValue().isTextual()) {
                    throw new InvalidInputException(where + ".matchLabels." + e.getKey() + " must be a string, got "
                            + e.getValue());
                }
                labels.put(e.getKey(), e.getValue().asText());
            }
        }
        List<Requirement> requirements = new ArrayList<>();
        JsonNode me = node.path("matchExpressions");
        if (!me.isMissingNode() && !me.isNull()) {
            if (!me.isArray()) {
                throw new InvalidInputException(where + ".matchExpressions must be a list, got " + me);
            }
            for (int i = 0; i < me.size(); i++) {
                requirements.add(requirement(me.get(i), where + ".matchExpressions[" + i + "]"));
            }
        }
        return new LabelSelector(labels, requirements);
    }

    private static Requirement requirement(JsonNode node, String where) {
        String key = node.path("key").asText("");
        if (key.isEmpty()) {
            throw new InvalidInputException(where + ".key is missing");
        }
        String op = node.path("operator").asText("");
        Operator operator;
        try {
            operator = Operator.valueOf(op);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ".operator \"" + op
                    + "\" is not one of In, NotIn, Exists, DoesNotExist");
        }
        List<String> values = new ArrayList<>();
        JsonNode vs = node.path("values");
        if (!vs.isMissingNode() && !vs.isNull()) {
            if (!vs.isArray()) {
                throw new InvalidInputException(where + ".values must be a list of strings, got " + vs);
            }
            vs.forEach(v -> values.add(v.asText()));
        }
        boolean needsValues = operator == Operator.In || operator == Operator.NotIn;
        if (needsValues == values.isEmpty()) {
            throw new InvalidInputException(where + ": operator " + op + (needsValues ? " needs values"
                    : " takes no values, got " + values));
        }
        return new Requirement(key, operator, Set.copyOf(values));
    }

    /** As kubectl prints a selector: {@code app=web,tier in (a,b),!legacy}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        matchLabels.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(e.getKey() + "=" + e.getValue()));
        for (Requirement r : matchExpressions) {
            String values = "(" + String.join(",", r.values().stream().sorted().toList()) + ")";
            parts.add(switch (r.operator()) {
                case In -> r.key() + " in " + values;
                case NotIn -> r.key() + " notin " + values;
                case Exists -> r.key();
                case DoesNotExist -> "!" + r.key();
            });
        }
        return parts.isEmpty() ? "<everything>" : String.join(",", parts);
    }
}
