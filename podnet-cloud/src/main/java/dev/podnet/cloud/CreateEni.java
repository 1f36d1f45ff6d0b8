package dev.podnet.cloud;

import java.util.List;
import java.util.Map;

/** What CreateNetworkInterface needs from podnet: subnet, security groups (empty = the VPC default), tags. */
public record CreateEni(String subnetId, List<String> securityGroups, String description, Map<String, String> tags) {
    public CreateEni {
        securityGroups = List.copyOf(securityGroups);
        tags = Map.copyOf(tags);
    }
}
