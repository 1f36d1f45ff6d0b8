package dev.podnet.warm;

import java.util.List;

/**
 * The VPC CNI's ENIConfig ({@code crd.k8s.amazonaws.com/v1alpha1}): with custom networking, a node's secondary ENIs
 * go into this subnet with these security groups. Selected per node by name, by default the node's zone.
 */
public record EniConfig(String name, String subnet, List<String> securityGroups) {
    public EniConfig {
        securityGroups = List.copyOf(securityGroups);
    }
}
