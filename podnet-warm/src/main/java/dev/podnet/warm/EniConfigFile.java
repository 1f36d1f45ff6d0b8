package dev.podnet.warm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnet.net.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ENIConfig manifests as {@code kubectl apply} would take them (several YAML documents, or a
 * {@code kind: List}), so the files {@code podnet plan} writes and existing VPC CNI manifests both load.
 */
public final class EniConfigFile {
    private static final String API_VERSION = "crd.k8s.amazonaws.com/v1alpha1";

    private EniConfigFile() {
    }

    public static List<EniConfig> load(Path file) {
        List<EniConfig> configs = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(file.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                if ("List".equals(doc.path("kind").asText())) {
                    doc.path("items").forEach(item -> configs.add(parse(file, item)));
                } else {
                    configs.add(parse(file, doc));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException bad) {
                throw bad;
            }
            throw new InvalidInputException(file + ": not a YAML file of ENIConfigs: " + e.getMessage());
        }
        return List.copyOf(configs);
    }

    /** The ENIConfig named {@code name}; the error lists the names there are. */
    public static EniConfig select(List<EniConfig> configs, String name, Path from) {
        return configs.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
                new InvalidInputException("no ENIConfig named \"" + name + "\" in " + from + "; it has "
                        + configs.stream().map(EniConfig::name).toList()));
    }

    private static EniConfig parse(Path file, JsonNode doc) {
        String name = doc.path("metadata").path("name").asText("");
        String where = file + (name.isEmpty() ? "" : " (ENIConfig " + name + ")");
        if (!"ENIConfig".equals(doc.path("kind").asText()) || !API_VERSION.equals(doc.path("apiVersion").asText())) {
            throw new InvalidInputException(where + ": expected kind ENIConfig, apiVersion " + API_VERSION + ", got "
                    + doc.path("kind").asText("(none)") + " " + doc.path("apiVersion").asText("(none)"));
        }
        if (name.isEmpty()) {
            throw new InvalidInputException(where + ": metadata.name is missing");
        }
        String subnet = doc.path("spec").path("subnet").asText("");
        if (!subnet.startsWith("subnet-")) {
            throw new InvalidInputException(where + ": spec.subnet must be a subnet id (subnet-...), got \"" + subnet + "\"");
        }
        List<String> groups = new ArrayList<>();
        for (JsonNode g : doc.path("spec").path("securityGroups")) {
            if (!g.asText().startsWith("sg-")) {
                throw new InvalidInputException(where + ": spec.securityGroups holds \"" + g.asText()
                        + "\", not a security group id (sg-...)");
            }
            groups.add(g.asText());
        }
        return new EniConfig(name, subnet, groups);
    }
}
