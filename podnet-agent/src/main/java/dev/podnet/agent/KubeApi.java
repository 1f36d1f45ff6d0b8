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
 */
public record KubeApi(KubernetesClient client, String node, Duration podGcInterval,
                      Optional<Duration> networkConfigInterval) {
    /** One GET per pod of the node per round: every 10 minutes keeps a large cluster's load on the API server small. */
    public static final Duration DEFAULT_POD_GC_INTERVAL = Duration.ofMinutes(10);
    /** One list of NetworkConfigs and one GET per NetworkConfig a minute: a deleted NAD is back within a minute. */
    public static final Duration DEFAULT_NETWORK_CONFIG_INTERVAL = Duration.ofMinutes(1);

    public KubeApi {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(node, "node");
        positive("pod GC", podGcInterval);
        networkConfigInterval.ifPresent(i -> positive("NetworkConfig", i));
    }

    public KubeApi(KubernetesClient client, String node, Duration podGcInterval) {
        this(client, node, podGcInterval, Optional.empty());
    }

    public KubeApi(KubernetesClient client, String node) {
        this(client, node, DEFAULT_POD_GC_INTERVAL);
    }

    /** The same, writing NetworkConfigs' NADs every {@code interval}. */
    public KubeApi withNetworkConfigs(Duration interval) {
        return new KubeApi(client, node, podGcInterval, Optional.of(interval));
    }

    private static void positive(String what, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the " + what + " interval must be positive, got " + interval);
        }
    }
}
