package dev.podnet.lab;

import dev.podnet.net.InstanceCatalogue;
import dev.podnet.vpcsim.fabric.FabricNames;
import dev.podnet.warm.VpcCniEnvironment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code podnet lab up} builds: {@code nodes} instances, each running an agent, with {@code podsPerNode} pods.
 * Checked here so that a bad flag fails before any namespace exists.
 *
 * @param name          the fabric's name: every namespace of the lab starts with it
 * @param instanceType  the nodes' type when the lab adds them (its world has no instances)
 * @param scenario      a vpcsim scenario: the world, throttling, delays and faults (default: vpcsim's default world,
 *                      unthrottled)
 * @param ec2Endpoint   join the {@code podnet vpcsim --fabric NAME} serving here instead of starting one: the nodes
 *                      are its instances
 * @param eniConfigFile ENIConfigs for {@link LabMode#CUSTOM_NETWORKING}
 * @param env           VPC CNI variables for the agents, on top of the lab's defaults (see {@link #agentEnv()})
 */
public record LabSpec(String name, int nodes, int podsPerNode, String instanceType, LabMode mode,
                      Optional<Path> scenario, Optional<String> ec2Endpoint, Optional<Path> eniConfigFile,
                      Map<String, String> env) {
    public static final String DEFAULT_INSTANCE_TYPE = "m5.large";

    /** The VPC CNI variables a lab passes on from its environment; the mode's own ones it sets itself. */
    public static final List<String> PASSED_ON = List.of(VpcCniEnvironment.WARM_ENI_TARGET,
            VpcCniEnvironment.WARM_IP_TARGET, VpcCniEnvironment.MINIMUM_IP_TARGET, VpcCniEnvironment.WARM_PREFIX_TARGET,
            VpcCniEnvironment.MAX_ENI, VpcCniEnvironment.EXTERNAL_SNAT, VpcCniEnvironment.EXCLUDE_SNAT_CIDRS);

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
        if (scenario.isPresent() && ec2Endpoint.isPresent()) {
            throw new IllegalArgumentException("--scenario belongs to the vpcsim at --ec2-endpoint: give one of them");
        }
        env = Map.copyOf(env);
        for (String key : env.keySet()) {
            if (!PASSED_ON.contains(key)) {
                throw new IllegalArgumentException(key + " is not a variable the lab passes on; it takes "
                        + String.join(", ", PASSED_ON));
            }
        }
        VpcCniEnvironment.warmPool(env); // fails here, naming the variable, rather than in an agent
    }

    /** Secondary IP mode, the lab's own VPC, the default world, VPC CNI defaults but for warm addresses. */
    public LabSpec(String name, int nodes, int podsPerNode, String instanceType) {
        this(name, nodes, podsPerNode, instanceType, LabMode.SECONDARY_IP, Optional.empty(), Optional.empty(),
                Optional.empty(), Map.of());
    }

    public LabSpec withMode(LabMode other) {
        return new LabSpec(name, nodes, podsPerNode, instanceType, other, scenario, ec2Endpoint, eniConfigFile, env);
    }

    /**
     * What every agent gets: enough warm addresses for all of the node's pods at once, so that ADDs rarely wait for
     * EC2 (unless {@link #env} sets a warm target), then {@link #env}, then the mode's variables.
     */
    Map<String, String> agentEnv() {
        Map<String, String> out = new HashMap<>();
        boolean warmGiven = env.keySet().stream().anyMatch(k -> k.startsWith("WARM_") || k.equals("MINIMUM_IP_TARGET"));
        if (!warmGiven) {
            out.put(VpcCniEnvironment.WARM_IP_TARGET, String.valueOf(Math.max(1, podsPerNode)));
        }
        out.putAll(env);
        out.putAll(mode.env());
        return out;
    }

    /** The namespace of pod {@code index} of node {@code node} (both from 0). */
    public String podNamespace(int node, int index) {
        return name + "-pod-" + node + "-" + index;
    }
}
