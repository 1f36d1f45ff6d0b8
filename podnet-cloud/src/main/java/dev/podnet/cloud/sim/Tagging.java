package dev.podnet.cloud.sim;

import dev.podnet.cloud.sim.VpcResources.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CreateTags and DescribeTags over every taggable resource of the emulator. Each resource keeps its own tags; this
 * class finds them by id (the id's prefix names the type, as in EC2). Instances have no mutable record elsewhere, so
 * their tags live here.
 */
final class Tagging {
    /** EC2's limit of user tags per resource. */
    static final int MAX_TAGS = 50;

    private record Target(String resourceType, Map<String, String> tags) {
    }

    private final VpcState state;
    private final VpcTopology topology;
    private final VpcServices services;
    private final Map<String, Map<String, String>> instanceTags = new LinkedHashMap<>();

    Tagging(VpcState state, VpcTopology topology, VpcServices services) {
        this.state = state;
        this.topology = topology;
        this.services = services;
    }

    /** Adds or overwrites tags on every resource, or on none if one id is unknown or a limit would be passed. */
    void createTags(List<String> resourceIds, Map<String, String> tags) {
        if (resourceIds.isEmpty()) {
            throw Errors.missing("ResourceId.1");
        }
        if (tags.isEmpty()) {
            throw Errors.missing("Tag.1");
        }
        for (String key : tags.keySet()) {
            if (key.isEmpty() || key.length() > 128 || key.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
                throw Errors.code("InvalidParameterValue", "Tag key '" + key + "' is invalid: keys are 1 to 128"
                        + " characters and may not start with aws:");
            }
        }
        List<Target> targets = new ArrayList<>();
        for (String id : resourceIds) {
            Target target = target(id);
            Map<String, String> after = new LinkedHashMap<>(target.tags());
            after.putAll(tags);
            if (after.size() > MAX_TAGS) {
                throw Errors.code("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.");
            }
            targets.add(target);
        }
        targets.forEach(t -> t.tags().putAll(tags));
    }

    /** Every tag of every resource, vpcs first, then subnets, route tables, groups, endpoints, ENIs, instances. */
    List<Tag> describeTags() {
        List<Tag> out = new ArrayList<>();
        topology.vpcs.values().forEach(v -> add(out, v.id, "vpc", v.tags));
        state.subnetPools().values().forEach(s -> add(out, s.id(), "subnet", s.tags));
        topology.tables.values().forEach(t -> add(out, t.id, "route-table", t.tags));
        services.groups.values().forEach(g -> add(out, g.id(), "security-group", g.tags()));
        services.endpoints.values().forEach(e -> add(out, e.fixed().id(), "vpc-endpoint", e.tags()));
        state.enis.values().forEach(e -> add(out, e.id, "network-interface", e.tags));
        instanceTags.forEach((id, tags) -> add(out, id, "instance", tags));
        return out;
    }

    private static void add(List<Tag> out, String id, String type, Map<String, String> tags) {
        new java.util.TreeMap<>(tags).forEach((k, v) -> out.add(new Tag(id, type, k, v)));
    }

    private Target target(String id) {
        if (id == null) {
            throw Errors.missing("ResourceId");
        }
        int dash = id.indexOf('-');
        String prefix = dash < 0 ? id : id.substring(0, dash);
        return switch (prefix) {
            case "vpc" -> new Target("vpc", topology.vpc(id).tags);
            case "subnet" -> new Target("subnet", state.subnet(id).tags);
            case "rtb" -> new Target("route-table", topology.table(id).tags);
            case "sg" -> new Target("security-group", services.group(id).tags());
            case "vpce" -> new Target("vpc-endpoint", services.tagsOfEndpoint(id).orElseThrow(() -> Errors.code(
                    "InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '" + id + "' does not exist")));
            case "eni" -> new Target("network-interface", state.eni(id).tags);
            case "i" -> {
                if (!state.hasInstance(id)) {
                    throw Errors.instanceNotFound(id);
                }
                yield new Target("instance", instanceTags.computeIfAbsent(id, k -> new LinkedHashMap<>()));
            }
            default -> throw Errors.code("InvalidID", "The ID '" + id + "' is not valid");
        };
    }
}
