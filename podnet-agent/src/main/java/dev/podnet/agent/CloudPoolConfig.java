package dev.podnet.agent;

import dev.podnet.cloud.CloudNetwork;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InstanceType;
import dev.podnet.warm.EniConfig;
import dev.podnet.warm.PodFamilies;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * A pool fed from the cloud (`podnet agent --cloud aws`): the node's VPC addresses, kept warm as the VPC CNI does.
 *
 * @param pool          the pool's name; it serves plugin requests that name no pool
 * @param eniConfigs    ENIConfigs to choose from under custom networking
 * @param eniConfigName the ENIConfig to use; empty = the one named after the instance's zone (the default label
 *                      topology.kubernetes.io/zone, whose value is the zone)
 * @param maxPods       the kubelet's max pods for the instance type, when not given explicitly
 * @param interval      how often a steady pool is checked against EC2
 * @param nodeSetup     the ENI links, tables and SNAT the agent sets up in the node namespace; empty when something
 *                      else does (tests that run without a node namespace)
 * @param families      ENABLE_IPv4, ENABLE_IPv6: IPv4 addresses from the warm pool, IPv6 ones from a /80 on the
 *                      primary ENI, or both
 */
public record CloudPoolConfig(CloudNetwork cloud, String instanceId, String clusterName, String pool,
                              WarmPoolConfig warm, List<EniConfig> eniConfigs, Optional<String> eniConfigName,
                              ToIntFunction<InstanceType> maxPods, Duration interval, Optional<NodeSetup> nodeSetup,
                              PodFamilies families) {
    public static final String DEFAULT_POOL = "vpc";

    public CloudPoolConfig {
        eniConfigs = List.copyOf(eniConfigs);
    }

    /** Nothing set up on the node. */
    public CloudPoolConfig(CloudNetwork cloud, String instanceId, String clusterName, String pool, WarmPoolConfig warm,
                           List<EniConfig> eniConfigs, Optional<String> eniConfigName,
                           ToIntFunction<InstanceType> maxPods, Duration interval) {
        this(cloud, instanceId, clusterName, pool, warm, eniConfigs, eniConfigName, maxPods, interval, Optional.empty(),
                PodFamilies.IPV4);
    }

    /** The same configuration for other families. */
    public CloudPoolConfig with(PodFamilies other) {
        return new CloudPoolConfig(cloud, instanceId, clusterName, pool, warm, eniConfigs, eniConfigName, maxPods,
                interval, nodeSetup, other);
    }
}
