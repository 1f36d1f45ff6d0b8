package dev.podnet.agent.manifests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A YAML file podnet ships as a resource (the CRDs, rbac.yaml), cut into its documents as text: the comments that
 * say why each rule or field is there stay with it, which re-serializing would drop.
 */
final class ShippedYaml {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private ShippedYaml() {
    }

    static String read(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + resource + " beside " + owner.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Each document of {@code text} with its object's kind and name; joined with {@code ---} lines they give the file
     * back. A document of comments only joins the next one.
     */
    static List<Manifest> documents(String text, String source) {
        List<Manifest> documents = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String chunk : text.split("(?m)^---\n", -1)) {
            pending.append(chunk);
            if (chunk.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            documents.add(manifest(pending.toString(), source));
            pending.setLength(0);
        }
        if (!pending.toString().isBlank()) {
            throw new IllegalStateException(source + ": comments after the last object");
        }
        return documents;
    }

    /** The document's object, which must be one podnet's typed model knows. */
    static Manifest manifest(String yaml, String source) {
        HasMetadata object;
        try {
            object = SERIALIZATION.unmarshal(yaml);
        } catch (RuntimeException e) {
            throw new IllegalStateException(source + ": a document does not parse as a Kubernetes object: "
                    + e.getMessage(), e);
        }
        String namespace = object.getMetadata().getNamespace();
        return new Manifest(object.getKind(), object.getMetadata().getName(), namespace == null ? "" : namespace, yaml);
    }

    /** An object built in code, as YAML without the leading document marker. */
    static String yaml(Object object) {
        String yaml = SERIALIZATION.asYaml(object);
        return yaml.startsWith("---\n") ? yaml.substring(4) : yaml;
    }
}
