package dev.podnet.warm;

import java.util.Map;
import java.util.Optional;

/**
 * Who the node is and where its pod ENIs go. Under custom networking {@code eniConfigs} gives the subnet and security
 * groups of each new ENI at the moment it is created; otherwise new ENIs go into the primary ENI's subnet with its
 * security groups.
 *
 * @param instanceId  the EC2 instance
 * @param clusterName tagged on every ENI the agent creates, with the instance id, so that a restarted agent adopts them
 */
public record NodeContext(String instanceId, String clusterName, Optional<EniConfigSource> eniConfigs) {

    public static final String TAG_NODE = "podnet.dev/node";
    public static final String TAG_CLUSTER = "podnet.dev/cluster";
    public static final String TAG_CREATE_TOKEN = "podnet.dev/create-token";

    /** The tags that mark an ENI as this node's, for creation and for finding leaks. */
    public Map<String, String> ownerTags() {
        return Map.of(TAG_NODE, instanceId, TAG_CLUSTER, clusterName);
    }
}
