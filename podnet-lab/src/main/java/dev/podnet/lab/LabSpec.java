package dev.podnet.lab;

import dev.podnet.net.InstanceCatalogue;
import dev.podnet.vpcsim.fabric.FabricNames;

/**
 * What {@code podnet lab up} builds: {@code nodes} instances of {@code instanceType}, each running an agent, with
 * {@code podsPerNode} pods. Checked here so that a bad flag fails before any namespace exists.
 *
 * @param name the fabric's name: every namespace of the lab starts with it
 */
public record LabSpec(String name, int nodes, int podsPerNode, String instanceType) {
    public static final String DEFAULT_INSTANCE_TYPE = "m5.large";

    public LabSpec {
        new FabricNames(name); // the same rules as vpcsim --fabric: the name prefixes namespace names
        if (nodes < 1 || nodes > 16) {
            throw new IllegalArgumentException("--nodes must be 1 to 16, got " + nodes);
        }
        if (podsPerNode < 0 || podsPerNode > 64) {
            throw new IllegalArgumentException("--pods-per-node must be 0 to 64, got " + podsPerNode);
        }
        if (InstanceCatalogue.bundled().find(instanceType).isEmpty()) {
            throw new IllegalArgumentException("--instance-type \"" + instanceType + "\" is not in the catalogue");
        }
    }

    /** The namespace of pod {@code index} of node {@code node} (both from 0). */
    public String podNamespace(int node, int index) {
        return name + "-pod-" + node + "-" + index;
    }
}
