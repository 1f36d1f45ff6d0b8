package dev.podnet.agent;

import dev.podnet.cloud.CloudNetwork;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InstanceType;
import dev.podnet.net.InvalidInputException;
import dev.podnet.warm.EniConfig;
import dev.podnet.warm.EniConfigSource;
import dev.podnet.warm.PodFamilies;
import dev.podnet.warm.VpcCniEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * A pool fed from the cloud (`podnet agent --cloud aws`): the node's VPC addresses, kept warm as the VPC CNI does.
 *
 * @param pool          the pool's name; it serves plugin requests that name no pool
 * @param eniConfigs    under custom networking, where new ENIs find their ENIConfig, given the instance's zone: the
 *                      API server, or ENIConfigs as {@link #given} in a file
 * @param maxPods       the kubelet's max pods for the instance type, when not given explicitly
 * @param interval      how often a steady pool is checked against EC2
 * @param nodeSetup     the ENI links, tables and SNAT the agent sets up in the node namespace; empty when something
 *                      else does (tests that run without a node namespace)
 * @param families      ENABLE_IPv4, ENABLE_IPv6: IPv4 addresses from the warm pool, IPv6 ones from a /80 on the
 *                      primary ENI, or both
 * @param policy        the warm-pool policy that sets {@code warm}'s targets at each pass instead (PODNET_WARM_POLICY),
 *                      or empty for the fixed targets
 */
public record CloudPoolConfig(CloudNetwork cloud, String instanceId, String clusterName, String pool,
                              WarmPoolConfig warm, Optional<Function<String, EniConfigSource>> eniConfigs,
                              ToIntFunction<InstanceType> maxPods, Duration interval, Optional<NodeSetup> nodeSetup,
                              PodFamilies families, Optional<WarmPolicySetting> policy) {
    public static final String DEFAULT_POOL = "vpc";

    /** With the fixed targets of {@code warm}. */
    public CloudPoolConfig(CloudNetwork cloud, String instanceId, String clusterName, String pool, WarmPoolConfig warm,
                           Optional<Function<String, EniConfigSource>> eniConfigs, ToIntFunction<InstanceType> maxPods,
                           Duration interval, Optional<NodeSetup> nodeSetup, PodFamilies families) {
        this(cloud, instanceId, clusterName, pool, warm, eniConfigs, maxPods, interval, nodeSetup, families,
                Optional.empty());
    }

    /** Nothing set up on the node. */
    public CloudPoolConfig(CloudNetwork cloud, String instanceId, String clusterName, String pool, WarmPoolConfig warm,
                           Optional<Function<String, EniConfigSource>> eniConfigs,
                           ToIntFunction<InstanceType> maxPods, Duration interval) {
        this(cloud, instanceId, clusterName, pool, warm, eniConfigs, maxPods, interval, Optional.empty(),
                PodFamilies.IPV4);
    }

    /**
     * The pool an aws-node DaemonSet's environment asks for: warm targets, prefix mode, custom networking, SNAT and
     * families read with the VPC CNI's names ({@link VpcCniEnvironment}), the node set up by the agent; the warm
     * targets set by PODNET_WARM_POLICY instead when no VPC CNI target is set ({@link WarmPolicySetting}).
     *
     * @param maxPods the kubelet's max pods for a type and the warm pool's mode
     */
    public static CloudPoolConfig vpcCni(CloudNetwork cloud, String instanceId, String clusterName,
                                         Map<String, String> env,
                                         Optional<Function<String, EniConfigSource>> eniConfigs,
                                         BiFunction<InstanceType, WarmPoolConfig, Integer> maxPods, Duration interval,
                                         boolean nodeSetup) {
        WarmPoolConfig warm = VpcCniEnvironment.warmPool(env);
        Optional<WarmPolicySetting> policy = WarmPolicySetting.of(env);
        if (warm.customNetworking() && eniConfigs.isEmpty()) {
            throw new InvalidInputException(VpcCniEnvironment.CUSTOM_NETWORK_CFG + "=true needs ENIConfigs");
        }
        return new CloudPoolConfig(cloud, instanceId, clusterName, DEFAULT_POOL, warm, eniConfigs,
                type -> maxPods.apply(type, warm), interval, nodeSetup ? Optional.of(new NodeSetup(
                        VpcCniEnvironment.externalSnat(env), VpcCniEnvironment.excludeSnatCidrs(env)))
                        : Optional.empty(), VpcCniEnvironment.families(env), policy);
    }

    /** The same configuration for other families. */
    public CloudPoolConfig with(PodFamilies other) {
        return new CloudPoolConfig(cloud, instanceId, clusterName, pool, warm, eniConfigs, maxPods, interval,
                nodeSetup, other, policy);
    }

    /**
     * ENIConfigs given in a file, where the node's labels are unknown: the one named {@code name}, else the one named
     * after the node's zone (as ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone picks them). A file does not change,
     * so the choice is fixed and a name without an ENIConfig fails the start.
     */
    public static Function<String, EniConfigSource> given(List<EniConfig> configs, Optional<String> name) {
        List<EniConfig> all = List.copyOf(configs);
        return zone -> {
            String wanted = name.orElse(zone);
            return new EniConfigSource.Fixed(all.stream().filter(c -> c.name().equals(wanted)).findFirst()
                    .orElseThrow(() -> new InvalidInputException("custom networking is on but no ENIConfig is named \""
                            + wanted + "\"; the ENIConfigs given are " + all.stream().map(EniConfig::name).toList())));
        };
    }
}
