package dev.podnet.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's API server. Its creator closes the client; the agent only calls it, and never waits for it to start.
 *
 * @param node                  this node's name in the cluster
 * @param podGcInterval         how often every allocation's pod is read again ({@link PodGc}); the first round runs
 *                              at start
 * @param networkConfigInterval when present, the agent writes every NetworkConfig's NetworkAttachmentDefinition
 *                              ({@link dev.podnet.kube.NetworkConfigController}) at start and this often
 * @param ipPoolInterval        how often the IPPools are read again, the node's own are given to the engine and their
 *                              status counts written ({@link ApiPools}); an ADD naming a pool not yet seen reads them
 *                              at once
 */
public record KubeApi(KubernetesClient client, String node, Duration podGcInterval,
                      Optional<Duration> networkConfigInterval, Duration ipPoolInterval) {
    /** One GET per pod of the node per round: every 10 minutes keeps a large cluster's load on the API server small. */
    public static final Duration DEFAULT_POD_GC_INTERVAL = Duration.ofMinutes(10);
    /** One list of NetworkConfigs and one GET per NetworkConfig a minute: a deleted NAD is back within a minute. */
    public static final Duration DEFAULT_NETWORK_CONFIG_INTERVAL = Duration.ofMinutes(1);
    /** One list of IPPools and one GET of the Node every 10 s: a new pool's counts show within that. */
    public static final Duration DEFAULT_IP_POOL_INTERVAL = Duration.ofSeconds(10);

    public KubeApi {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(node, "node");
        positive("pod GC", podGcInterval);
        networkConfigInterval.ifPresent(i -> positive("NetworkConfig", i));
        positive("IPPool", ipPoolInterval);
    }

    public KubeApi(KubernetesClient client, String node, Duration podGcInterval) {
        this(client, node, podGcInterval, Optional.empty(), DEFAULT_IP_POOL_INTERVAL);
    }

    public KubeApi(KubernetesClient client, String node) {
        this(client, node, DEFAULT_POD_GC_INTERVAL);
    }

    /** The same, writing NetworkConfigs' NADs every {@code interval}. */
    public KubeApi withNetworkConfigs(Duration interval) {
        return new KubeApi(client, node, podGcInterval, Optional.of(interval), ipPoolInterval);
    }

    /** The same, reading the IPPools every {@code interval}. */
    public KubeApi withIpPoolInterval(Duration interval) {
        return new KubeApi(client, node, podGcInterval, networkConfigInterval, interval);
    }

    private static void positive(String what, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the " + what + " interval must be positive, got " + interval);
        }
    }
}
