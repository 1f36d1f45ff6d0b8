package dev.podnet.overlay;

import java.util.Collection;

/**
 * Where the nodes' subnet leases live and how this node takes its own: flannel's keys in a cluster store
 * ({@link StoreRegistry}), or, in flannel's kube subnet manager mode, the Node objects (the node's podCIDR and
 * flannel's annotations). The overlay agent calls it from its one thread; listeners may be called on any thread.
 */
public interface SubnetRegistry {

    /** The network's configuration; invalid input when there is none. */
    FlannelConfig config();

    /** This node's lease, taken or found again, published with {@code attrs}. */
    SubnetLease acquire(LeaseAttrs attrs);

    /**
     * Keeps this node's lease: renewed when due, brought up to date with {@code attrs}, taken again when lost. Called
     * periodically and whenever the followed leases show ours changed.
     */
    SubnetLease maintain(LeaseAttrs attrs);

    /**
     * Reads every node's lease (this node's included) and then follows them, reporting each change as the whole set.
     * Throws when the first read fails; a later failure goes to {@link Listener#failed}, after which nothing follows
     * and the caller starts again.
     */
    Following follow(Listener listener);

    /** A running follow: the leases it started from, and how to stop it. */
    record Following(Collection<SubnetLease> leases, AutoCloseable stop) {
    }

    interface Listener {
        void leases(Collection<SubnetLease> all);

        void failed(RuntimeException cause);
    }
}
