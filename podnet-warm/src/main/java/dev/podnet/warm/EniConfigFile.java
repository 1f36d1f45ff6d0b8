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
                    doc.path("items").forEach(item -> configs.add(EniConfig.fromManifest(item, file.toString())));
                } else {
                    configs.add(EniConfig.fromManifest(doc, file.toString()));
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
}
