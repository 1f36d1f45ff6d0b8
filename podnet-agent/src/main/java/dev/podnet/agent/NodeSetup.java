package dev.podnet.agent;

import java.util.List;

/**
 * What the agent sets up on the node for its cloud pool, as aws-vpc-cni's ipamd does: every secondary ENI's link and
 * route table, and the SNAT of pod traffic leaving the VPC. The namespace is {@link AgentConfig#node()}.
 *
 * @param externalSnat     AWS_VPC_K8S_CNI_EXTERNALSNAT: no SNAT rules at all (a NAT gateway translates)
 * @param excludeSnatCidrs AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: reached with the pod's own address, like the VPC
 */
public record NodeSetup(boolean externalSnat, List<String> excludeSnatCidrs) {
    public NodeSetup {
        excludeSnatCidrs = List.copyOf(excludeSnatCidrs);
    }
}
