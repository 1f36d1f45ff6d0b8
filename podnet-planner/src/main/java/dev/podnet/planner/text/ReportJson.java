package dev.podnet.planner.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.podnet.planner.report.PlanReport;
import dev.podnet.planner.report.SubnetUsage;
import java.io.UncheckedIOException;

/**
 * JSON and YAML renderings of reports. The records give the fields; this adds the derived figures a script wants
 * without recomputing them (held addresses, remaining addresses, pods hosted).
 */
public final class ReportJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private ReportJson() {
    }

    public static JsonNode tree(PlanReport report) {
        ObjectNode root = JSON.valueToTree(report);
        root.put("podsHosted", report.podsHosted());
        root.put("fits", !report.hasErrors());
        for (int i = 0; i < report.groups().size(); i++) {
            ((ObjectNode) root.withArray("groups").get(i)).put("heldAddresses", report.groups().get(i).heldAddresses());
        }
        for (int i = 0; i < report.subnets().size(); i++) {
            SubnetUsage usage = report.subnets().get(i);
            ObjectNode node = (ObjectNode) root.withArray("subnets").get(i);
            node.put("remaining", usage.remaining());
            node.put("percentUsed", Math.round(usage.percentUsed() * 10) / 10.0);
        }
        return root;
    }

    public static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    public static String json(JsonNode tree) {
        return write(JSON, tree);
    }

    public static String yaml(JsonNode tree) {
        return write(YAML, tree);
    }

    private static String write(ObjectMapper mapper, JsonNode tree) {
        try {
            String text = mapper.writeValueAsString(tree);
            return text.endsWith("\n") ? text : text + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
