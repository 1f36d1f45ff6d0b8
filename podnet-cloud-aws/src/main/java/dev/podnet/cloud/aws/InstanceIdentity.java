package dev.podnet.cloud.aws;

import java.util.Map;

/** Which EC2 instance this node is, and where: what the agent needs before its first cloud call. */
public record InstanceIdentity(String instanceId, String region, String availabilityZone) {

    /** Reads the identity from instance metadata (IMDSv2) at the endpoint the environment names, else the default. */
    public static InstanceIdentity fetch(Map<String, String> env) {
        return new InstanceMetadataClient(InstanceMetadataClient.endpoint(env), InstanceMetadataClient.DEFAULT_TIMEOUT)
                .identity();
    }
}
