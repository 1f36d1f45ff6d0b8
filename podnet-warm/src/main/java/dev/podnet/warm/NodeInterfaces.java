package dev.podnet.warm;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * The node's side of its ENIs (links, route tables), kept in line with what EC2 reports after every read of the
 * node's ENIs. The warm pool hands out only the addresses of ENIs reported ready, as aws-vpc-cni's ipamd adds an
 * ENI to its datastore only once its link and table are set up: a pod address on an ENI the node cannot route is
 * worse than none.
 */
@FunctionalInterface
public interface NodeInterfaces {
    /** Nothing to set up (a test, or a node whose interfaces something else manages): every ENI is ready. */
    NodeInterfaces NONE = supply -> supply.enis().stream().map(NodeSupply.Eni::id).collect(Collectors.toSet());

    /**
     * Sets up the ENIs of {@code supply} not yet set up, tears down what is left of ENIs no longer attached; must
     * not throw (a failure is logged and retried at the next read).
     *
     * @return the ids of the ENIs whose addresses pods may get
     */
    Set<String> sync(NodeSupply supply);
}
