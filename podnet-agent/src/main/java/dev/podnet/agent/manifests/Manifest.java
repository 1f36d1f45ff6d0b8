package dev.podnet.agent.manifests;

import java.util.Locale;

/**
 * One object {@code podnet manifests} writes, as one YAML document (comments included).
 *
 * @param namespace empty for a cluster-scoped object
 */
public record Manifest(String kind, String name, String namespace, String yaml) {

    /** {@code NN-kind-name.yaml}: the number keeps {@code kubectl apply -f DIR}'s file order the apply order. */
    public String fileName(int index) {
        return String.format(Locale.ROOT, "%02d-%s-%s.yaml", index, kind.toLowerCase(Locale.ROOT), name);
    }

    /** kind/name, or kind/name/namespace. */
    @Override
    public String toString() {
        return kind + "/" + name + (namespace.isEmpty() ? "" : "/" + namespace);
    }
}
