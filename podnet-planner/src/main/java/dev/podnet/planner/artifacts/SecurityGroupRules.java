package dev.podnet.planner.artifacts;

import dev.podnet.net.Cidr;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.model.Mode;
import dev.podnet.planner.report.Artifact;
import java.util.ArrayList;
import java.util.List;

/**
 * The security group rules the plan relies on, under {@code rules}, one per source so each maps to one AWS rule.
 * {@code target} names the security group a rule belongs to, since the endpoint and proxy rules are not on the nodes.
 */
final class SecurityGroupRules {
    static final String PATH = "security-group-rules.yaml";

    private SecurityGroupRules() {
    }

    static Artifact artifact(PlanView in) {
        ClusterPlan plan = in.plan();
        List<Object> rules = new ArrayList<>();
        for (Cidr cidr : in.vpcCidrs()) {
            rules.add(rule("all", "all", cidr.toString(), "nodes and pods", insideVpcReason(plan, cidr)));
        }
        plan.proxy().ifPresent(proxy -> {
            for (Cidr cidr : in.vpcCidrs()) {
                rules.add(rule("tcp", "443", cidr.toString(), "VPC interface endpoints",
                        "Nodes and pods in a private cluster reach AWS APIs through the interface endpoints."));
            }
            for (Cidr cidr : in.vpcCidrs()) {
                rules.add(rule("tcp", Integer.toString(proxy.port()), cidr.toString(), "proxy " + proxy.host(),
                        "Nodes and pods reach everything outside the VPC through the proxy."));
            }
        });
        rules.add(rule("tcp", "10250", "EKS cluster security group (control plane)", "nodes",
                "The control plane calls kubelets for logs, exec, port-forward and metrics."));
        StringBuilder header = new StringBuilder(in.origin()).append('\n')
                .append("Security group rules the plan needs (all ingress; egress stays open).");
        if (plan.mode() == Mode.DUAL_STACK) {
            header.append("\nThe ipvlan underlay sends pod traffic natively in the VPC, so no encapsulation port is\n")
                    .append("needed. An overlay would add between nodes: 8472/udp (VXLAN: Flannel, Cilium),\n")
                    .append("6081/udp (Geneve), IP protocol 4 (Calico IP-in-IP) or 179/tcp (Calico BGP).");
        }
        return new Artifact(PATH, "security group rules the plan relies on, each with its reason",
                Yaml.document(header.toString(), Yaml.map("rules", rules)));
    }

    private static String insideVpcReason(ClusterPlan plan, Cidr cidr) {
        if (plan.vpc().secondaryCidrs().contains(cidr)) {
            return "Pods in the secondary CIDR must reach nodes and each other.";
        }
        if (!cidr.isIpv4()) {
            return "Pods and nodes with IPv6 addresses must reach each other.";
        }
        return "Nodes, and pods with addresses in the VPC, must reach each other.";
    }

    private static Object rule(String protocol, String ports, String source, String target, String reason) {
        return Yaml.map("direction", "ingress", "protocol", protocol, "ports", ports, "source", source,
                "target", target, "reason", reason);
    }
}
