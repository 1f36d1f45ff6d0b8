package dev.podnet.planner.artifacts;

import dev.podnet.planner.model.ClusterPlan;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What podnet's own DaemonSet takes from a plan ({@code podnet manifests --from-plan}): the settings the plan's
 * artifacts give aws-node, from the same code, so a cluster planned for the VPC CNI runs podnet the same way.
 */
public final class NodeAgentSettings {
    /** The ConfigMap of the proxy settings, in kube-system; an agent container loads it with envFrom. */
    public static final String PROXY_CONFIG_MAP = ProxyEnvironment.CONFIG_MAP;

    /** One container environment variable. */
    public record EnvVar(String name, String value) {
    }

    private NodeAgentSettings() {
    }

    /** The VPC CNI variables of aws-node-env.yaml: the mode's switches and the warm targets that are set. */
    public static List<EnvVar> env(ClusterPlan plan) {
        return AwsNodeEnv.variables(plan);
    }

    /** The ENIConfigs of eniconfigs.yaml (pod-subnet modes), one per zone; none for other modes. */
    public static List<Map<String, Object>> eniConfigs(ClusterPlan plan) {
        return plan.mode().usesPodSubnets() ? EniConfigs.objects(plan) : List.of();
    }

    /** The ConfigMap of proxy-environment.yaml (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), for a private cluster. */
    public static Optional<Map<String, Object>> proxyConfigMap(ClusterPlan plan) {
        return plan.proxy().map(p -> ProxyEnvironment.configMap(plan));
    }
}
