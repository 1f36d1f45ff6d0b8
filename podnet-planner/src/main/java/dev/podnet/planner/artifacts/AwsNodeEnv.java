package dev.podnet.planner.artifacts;

import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.model.Mode;
import dev.podnet.planner.report.Artifact;
import java.util.ArrayList;
import java.util.List;

/** A strategic-merge patch for the aws-node DaemonSet: the VPC CNI settings the plan's mode and warm targets need. */
final class AwsNodeEnv {
    static final String PATH = "aws-node-env.yaml";

    private AwsNodeEnv() {
    }

    static Artifact artifact(PlanView in) {
        Mode mode = in.mode();
        List<Object> env = new ArrayList<>();
        variables(in.plan()).forEach(v -> env.add(Yaml.map("name", v.name(), "value", v.value())));
        Object patch = Yaml.map("spec", Yaml.map("template", Yaml.map("spec", Yaml.map(
                "containers", List.of(Yaml.map("name", "aws-node", "env", env))))));
        String header = in.origin() + "\n"
                + "VPC CNI settings for " + mode.id() + " mode. Apply with:\n"
                + "  kubectl -n kube-system patch daemonset aws-node --patch-file " + PATH + "\n"
                + "If vpc-cni is an EKS add-on, set the same values in its configurationValues too, or an add-on\n"
                + "update puts the old ones back.";
        return new Artifact(PATH, "aws-node DaemonSet env patch (VPC CNI mode and warm targets)",
                Yaml.document(header, patch));
    }

    /** The variables, in the order the patch lists them; podnet's own DaemonSet takes the same (podnet manifests). */
    static List<NodeAgentSettings.EnvVar> variables(ClusterPlan plan) {
        List<NodeAgentSettings.EnvVar> env = new ArrayList<>();
        Mode mode = plan.mode();
        if (mode.usesPodSubnets()) {
            add(env, "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true");
            add(env, "ENI_CONFIG_LABEL_DEF", "topology.kubernetes.io/zone");
        }
        if (mode == Mode.PREFIX || mode == Mode.IPV6) {
            add(env, "ENABLE_PREFIX_DELEGATION", "true");
        }
        if (mode == Mode.IPV6) {
            add(env, "ENABLE_IPv6", "true");
            // the VPC CNI runs one family at a time; an IPv6 cluster turns IPv4 pod addressing off
            add(env, "ENABLE_IPv4", "false");
        }
        ClusterPlan.WarmTargets warm = plan.warm();
        // 0 means unset: the VPC CNI default applies and the patch leaves the variable alone
        addIfSet(env, "WARM_ENI_TARGET", warm.warmEniTarget());
        addIfSet(env, "WARM_IP_TARGET", warm.warmIpTarget());
        addIfSet(env, "MINIMUM_IP_TARGET", warm.minimumIpTarget());
        if (mode == Mode.PREFIX) {
            addIfSet(env, "WARM_PREFIX_TARGET", warm.warmPrefixTarget());
        }
        addIfSet(env, "MAX_ENI", warm.maxEni());
        return List.copyOf(env);
    }

    private static void add(List<NodeAgentSettings.EnvVar> env, String name, String value) {
        env.add(new NodeAgentSettings.EnvVar(name, value));
    }

    private static void addIfSet(List<NodeAgentSettings.EnvVar> env, String name, int value) {
        if (value > 0) {
            add(env, name, Integer.toString(value));
        }
    }
}
