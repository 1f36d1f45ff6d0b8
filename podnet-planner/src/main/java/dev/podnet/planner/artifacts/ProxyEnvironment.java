package dev.podnet.planner.artifacts;

import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.report.Artifact;
import java.util.List;
import java.util.Map;

/**
 * The proxy settings aws-node and kube-proxy read: a ConfigMap, then the two DaemonSets reduced to the envFrom that
 * loads it. Server-side apply merges such partial objects into the live ones, so one command applies the whole file.
 */
final class ProxyEnvironment {
    static final String PATH = "proxy-environment.yaml";
    static final String CONFIG_MAP = "proxy-environment-variables";

    private ProxyEnvironment() {
    }

    static Artifact artifact(PlanView in) {
        Object configMap = configMap(in.plan());
        Object patches = Yaml.map(
                "apiVersion", "v1",
                "kind", "List",
                "items", List.of(envFrom("aws-node"), envFrom("kube-proxy")));
        String header = in.origin() + "\n"
                + "Proxy settings for aws-node and kube-proxy: the ConfigMap, then both DaemonSets with only the\n"
                + "envFrom that loads it. Apply with server-side apply, which merges the partial DaemonSets:\n"
                + "  kubectl apply --server-side --field-manager=podnet -f " + PATH + "\n"
                + "The DaemonSets roll; pods read the ConfigMap only when they start.";
        return new Artifact(PATH, "proxy ConfigMap and envFrom for aws-node and kube-proxy",
                Yaml.documents(header, List.of(configMap, patches)));
    }

    /** The ConfigMap alone; podnet's own DaemonSet loads it too (podnet manifests). */
    static Map<String, Object> configMap(ClusterPlan plan) {
        ClusterPlan.Proxy proxy = plan.proxy().orElseThrow();
        return Yaml.map(
                "apiVersion", "v1",
                "kind", "ConfigMap",
                "metadata", Yaml.map("name", CONFIG_MAP, "namespace", "kube-system"),
                "data", Yaml.map(
                        "HTTP_PROXY", proxy.url(),
                        "HTTPS_PROXY", proxy.url(),
                        "NO_PROXY", NoProxyList.of(plan).joined()));
    }

    /** The DaemonSet and its container share the name in EKS. */
    private static Object envFrom(String daemonSet) {
        return Yaml.map(
                "apiVersion", "apps/v1",
                "kind", "DaemonSet",
                "metadata", Yaml.map("name", daemonSet, "namespace", "kube-system"),
                "spec", Yaml.map("template", Yaml.map("spec", Yaml.map("containers", List.of(Yaml.map(
                        "name", daemonSet,
                        "envFrom", List.of(Yaml.map("configMapRef", Yaml.map("name", CONFIG_MAP)))))))));
    }
}
