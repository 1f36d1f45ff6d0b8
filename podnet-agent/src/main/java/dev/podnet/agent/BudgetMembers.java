package dev.podnet.agent;

import dev.podnet.blocks.NodeRegistration;
import dev.podnet.net.ControlLoop;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.StoreException;
import java.time.Duration;
import java.time.InstantSource;

/**
 * The nodes sharing the cluster's EC2 call budget ({@link StoreCallBudget}), which a policy divides among them: each
 * agent keeps {@value #PREFIX}{@code <instance-id>} on a store lease (a {@link NodeRegistration} under this prefix,
 * renewed by a loop), so a node that stops drops out when its lease expires. The count is read at most every
 * {@link #RECOUNT} and is at least 1: the store is not asked on every pass, and an unreachable store keeps the last.
 */
final class BudgetMembers implements AutoCloseable {
    static final String PREFIX = StoreCallBudget.KEY + "/members/";
    static final Duration TTL = Duration.ofSeconds(60);
    static final Duration RECOUNT = Duration.ofSeconds(30);

    private final ClusterStore store;
    private final InstantSource clock;
    private final NodeRegistration registration;
    private final ControlLoop renewal;
    private int count = 1;
    private long countedAt = Long.MIN_VALUE;

    private BudgetMembers(ClusterStore store, InstantSource clock, NodeRegistration registration) {
        this.store = store;
        this.clock = clock;
        this.registration = registration;
        ControlLoop.Wait every = new ControlLoop.Wait(registration.renewEvery(), false);
        // The first pass registers (renew does while unregistered) and, failing, tries again at the next.
        this.renewal = new ControlLoop("podnet-ec2-budget-member", () -> {
            registration.renew();
            return every;
        }, every);
    }

    /** Joins as {@code instanceId} and keeps the membership alive until closed. */
    static BudgetMembers join(ClusterStore store, String instanceId, InstantSource clock) {
        BudgetMembers members = new BudgetMembers(store, clock,
                new NodeRegistration(store, PREFIX, instanceId, TTL, clock));
        members.renewal.start();
        return members;
    }

    /** How many nodes share the budget, as last counted. */
    synchronized int count() {
        long now = clock.millis();
        if (countedAt == Long.MIN_VALUE || now - countedAt >= RECOUNT.toMillis()) {
            try {
                count = Math.max(1, store.range(PREFIX).kvs().size());
                countedAt = now;
            } catch (StoreException e) {
                // The last count stands; the next call tries again.
            }
        }
        return count;
    }

    /** Stops renewing and leaves at once, so the others' share grows without waiting for the lease to expire. */
    @Override
    public void close() {
        renewal.close();
        try {
            registration.deregister();
        } catch (StoreException e) {
            // The lease expires by itself.
        }
    }

    @Override
    public String toString() {
        return "the EC2 call budget's membership of " + registration.node();
    }
}
