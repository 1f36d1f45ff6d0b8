package dev.podnet.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Objects;

/**
 * The agent's API server. Its creator closes the client; the agent only calls it, and never waits for it to start.
 *
 * @param node          this node's name in the cluster
 * @param podGcInterval how often every allocation's pod is read again ({@link PodGc}); the first round runs at start
 */
public record KubeApi(KubernetesClient client, String node, Duration podGcInterval) {
    /** One GET per pod of the node per round: every 10 minutes keeps a large cluster's load on the API server small. */
    public static final Duration DEFAULT_POD_GC_INTERVAL = Duration.ofMinutes(10);

    public KubeApi {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(node, "node");
        if (podGcInterval.isNegative() || podGcInterval.isZero()) {
            throw new IllegalArgumentException("the pod GC interval must be positive, got " + podGcInterval);
        }
    }

    public KubeApi(KubernetesClient client, String node) {
        this(client, node, DEFAULT_POD_GC_INTERVAL);
    }
}
