package dev.podnet.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether podnet's {@code rbac.yaml} allows the requests podnet made, decided as the API server's RBAC authorizer
 * would: each request becomes Kubernetes' RequestInfo (verb, API group, namespace, resource, subresource, name), and
 * some rule must match it: a ClusterRole's anywhere, a Role's in its own namespace. The mock API server authorizes
 * nothing, so without this a request that a real cluster would refuse with 403 passes every test.
 */
public final class RbacCheck {
    private final List<Scoped> rules;

    /** A rule and where it holds: everywhere (a ClusterRole's, {@code namespace} empty) or in one namespace. */
    private record Scoped(String role, Optional<String> namespace, PolicyRule rule) {
    }

    /**
     * Kubernetes' RequestInfo of a resource request. {@code group} is "" for the core group; {@code namespace},
     * {@code subresource} and {@code name} are "" when the path has none.
     */
    public record Attributes(String verb, String group, String namespace, String resource, String subresource,
                             String name) {
        /** The rule that would allow exactly this request, for messages. */
        String neededRule() {
            return "{apiGroups: [\"" + group + "\"], resources: [" + resource
                    + (subresource.isEmpty() ? "" : "/" + subresource) + "], verbs: [" + verb + "]}"
                    + (namespace.isEmpty() ? "" : " (namespace " + namespace + ")");
        }
    }

    RbacCheck(List<HasMetadata> objects) {
        List<Scoped> all = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof ClusterRole c) {
                c.getRules().forEach(r -> all.add(new Scoped(c.getMetadata().getName(), Optional.empty(), r)));
            } else if (o instanceof Role r) {
                r.getRules().forEach(rule -> all.add(new Scoped(r.getMetadata().getName(),
                        Optional.of(r.getMetadata().getNamespace()), rule)));
            }
        }
        this.rules = List.copyOf(all);
    }

    /** The roles podnet ships, {@code dev/podnet/kube/rbac.yaml}. */
    public static RbacCheck podnet() {
        return new RbacCheck(manifest());
    }

    /** Every object in podnet's rbac.yaml, in fabric8's typed model. */
    public static List<HasMetadata> manifest() {
        try (InputStream in = RbacCheck.class.getResourceAsStream("rbac.yaml")) {
            return Serialization.unmarshal(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Throws an AssertionError that names each missing rule and the requests (as "METHOD /path?query") that needed
     * it: the first one, and how many more.
     */
    public void assertAllowed(List<String> requests) {
        Map<String, List<String>> denied = new LinkedHashMap<>();
        for (String request : requests) {
            String[] methodAndPath = request.split(" ", 2);
            attributes(methodAndPath[0], methodAndPath[1]).filter(a -> !allows(a))
                    .ifPresent(a -> denied.computeIfAbsent(a.neededRule(), k -> new ArrayList<>()).add(request));
        }
        if (!denied.isEmpty()) {
            throw new AssertionError("podnet made requests that its rbac.yaml does not allow:"
                    + denied.entrySet().stream().map(e -> "\n  " + e.getValue().getFirst() + " needs " + e.getKey()
                            + (e.getValue().size() > 1 ? " (and " + (e.getValue().size() - 1) + " more)" : ""))
                    .collect(Collectors.joining()));
        }
    }

    boolean allows(Attributes a) {
        return rules.stream().anyMatch(s -> s.namespace().map(a.namespace()::equals).orElse(true)
                && matches(s.rule(), a));
    }

    /** As Kubernetes' RBAC authorizer matches one PolicyRule (rbac/v1 helpers: VerbMatches, ResourceMatches...). */
    private static boolean matches(PolicyRule rule, Attributes a) {
        return has(rule.getVerbs(), a.verb()) && has(rule.getApiGroups(), a.group())
                && resourceMatches(rule.getResources(), a)
                && (rule.getResourceNames().isEmpty() || rule.getResourceNames().contains(a.name()));
    }

    private static boolean has(List<String> values, String value) {
        return values.contains("*") || values.contains(value);
    }

    private static boolean resourceMatches(List<String> resources, Attributes a) {
        String combined = a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
        return has(resources, combined) || !a.subresource().isEmpty() && resources.contains("*/" + a.subresource());
    }

    /**
     * The RequestInfo of {@code method path?query}, as the API server's RequestInfoFactory makes it; empty for a
     * non-resource request (discovery: /api, /apis/GROUP/VERSION, /version...), which every authenticated client
     * may make through the system:discovery role.
     */
    public static Optional<Attributes> attributes(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        String group;
        if (parts.size() >= 2 && parts.getFirst().equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else if (parts.size() >= 3 && parts.getFirst().equals("apis")) {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        } else {
            return Optional.empty();
        }
        if (parts.isEmpty()) {
            return Optional.empty(); // /api/v1, /apis/GROUP/VERSION: the group's resource list
        }
        String namespace = "";
        // /namespaces/NS/RESOURCE... is in NS; /namespaces/NS and /namespaces/NS/status|finalize are the Namespace
        if (parts.getFirst().equals("namespaces") && parts.size() > 1) {
            namespace = parts.get(1);
            if (parts.size() > 2 && !Set.of("status", "finalize").contains(parts.get(2))) {
                parts = parts.subList(2, parts.size());
            }
        }
        String resource = parts.getFirst();
        String name = parts.size() > 1 ? parts.get(1) : "";
        String subresource = parts.size() > 2 ? parts.get(2) : "";
        String verb = switch (method) {
            case "GET", "HEAD" -> name.isEmpty() ? (watch(query) ? "watch" : "list") : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
            default -> throw new IllegalArgumentException("not an API method: " + method);
        };
        if (name.isEmpty() && (verb.equals("list") || verb.equals("watch"))) {
            name = param(query, "fieldSelector").flatMap(RbacCheck::singleName).orElse("");
        }
        return Optional.of(new Attributes(verb, group, namespace, resource, subresource, name));
    }

    /** As the API server reads {@code watch}: any value but "false" and "0" asks for a watch. */
    private static boolean watch(String query) {
        return param(query, "watch").filter(v -> !v.equals("false") && !v.equals("0")).isPresent();
    }

    /** A list or watch of {@code fieldSelector=metadata.name=N} is authorized as one on the object N. */
    private static Optional<String> singleName(String selector) {
        String prefix = "metadata.name=";
        return selector.startsWith(prefix) && !selector.contains(",")
                ? Optional.of(selector.substring(prefix.length()).replaceFirst("^=", ""))
                : Optional.empty();
    }

    private static Optional<String> param(String query, String key) {
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            if (URLDecoder.decode(kv[0], StandardCharsets.UTF_8).equals(key)) {
                return Optional.of(kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return Optional.empty();
    }
}
