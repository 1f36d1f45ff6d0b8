package dev.podnet.planner.artifacts;

import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.report.Artifact;
import java.util.List;
import java.util.Map;

/**
 * One VPC CNI ENIConfig per zone, named after the zone so that ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone
 * picks each node's config from its own zone label.
 */
final class EniConfigs {
    static final String PATH = "eniconfigs.yaml";

    private EniConfigs() {
    }

    static Artifact artifact(PlanView in) {
        ClusterPlan plan = in.plan();
        boolean placeholders = plan.zones().stream().anyMatch(z -> z.podSubnetId().isEmpty());
        List<Object> documents = plan.zones().stream().map(z -> (Object) eniConfig(plan, z)).toList();
        String header = in.origin() + "\n"
                + "ENIConfigs: secondary ENIs (and so pods) of a node in zone <name> go to that zone's pod subnet.\n"
                + (placeholders
                        ? "${POD_SUBNET_<ZONE>} are the subnets vpc-setup.sh creates and exports; its last step applies\n"
                          + "this file with: envsubst < eniconfigs.yaml | kubectl apply -f -"
                        : "Apply with: kubectl apply -f eniconfigs.yaml")
                + "\nApply before nodes join: nodes that started without custom networking keep pods in the node subnet.";
        return new Artifact(PATH, "VPC CNI ENIConfig per zone (custom networking)", Yaml.documents(header, documents));
    }

    /** One ENIConfig per zone, as the artifact lists them; podnet's DaemonSet install takes the same. */
    static List<Map<String, Object>> objects(ClusterPlan plan) {
        return plan.zones().stream().map(z -> eniConfig(plan, z)).toList();
    }

    private static Map<String, Object> eniConfig(ClusterPlan plan, ClusterPlan.Zone zone) {
        String subnet = zone.podSubnetId()
                .orElse("${" + ShellScript.zoneVariable("POD_SUBNET", zone.name()) + "}");
        return Yaml.map(
                "apiVersion", "crd.k8s.amazonaws.com/v1alpha1",
                "kind", "ENIConfig",
                "metadata", Yaml.map("name", zone.name()),
                "spec", Yaml.map(
                        "subnet", subnet,
                        // without the key the VPC CNI uses the node's own security groups
                        "securityGroups", plan.securityGroups().isEmpty() ? null : plan.securityGroups()));
    }
}
