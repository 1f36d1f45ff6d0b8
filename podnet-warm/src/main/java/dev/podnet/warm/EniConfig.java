package dev.podnet.warm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.net.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The VPC CNI's ENIConfig ({@code crd.k8s.amazonaws.com/v1alpha1}, cluster-scoped): with custom networking, a node's
 * secondary ENIs go into this subnet with these security groups (none: the primary ENI's).
 */
public record EniConfig(String name, String subnet, List<String> securityGroups) {
    public static final String GROUP = "crd.k8s.amazonaws.com";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String KIND = "ENIConfig";

    public EniConfig {
        securityGroups = List.copyOf(securityGroups);
    }

    /** An ENIConfig manifest as kubectl applies it, checked; errors name {@code from} (a file, the API server). */
    public static EniConfig fromManifest(JsonNode doc, String from) {
        String name = doc.path("metadata").path("name").asText("");
        String where = from + (name.isEmpty() ? "" : " (ENIConfig " + name + ")");
        if (!KIND.equals(doc.path("kind").asText()) || !API_VERSION.equals(doc.path("apiVersion").asText())) {
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
