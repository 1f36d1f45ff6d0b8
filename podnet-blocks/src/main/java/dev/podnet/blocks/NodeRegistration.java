package dev.podnet.blocks;

import dev.podnet.store.ClusterStore;
import dev.podnet.store.Lease;
import dev.podnet.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's liveness record, {@code /podnet/nodes/<node>}, put under a store lease that {@link #renew()} keeps
 * alive. Other nodes reclaim the blocks of a node without a record, so a node must stop handing out addresses before
 * its record can vanish: {@link #isValid()} is false from {@code (time the last keep-alive was sent) + TTL - margin},
 * which is never later than the store's own expiry. A lease found expired is replaced by a new one and the
 * {@link #epoch()} moves on: whoever trusted state from the old epoch must re-check it in the store first.
 */
public final class NodeRegistration {
    private static final System.Logger LOG = System.getLogger(NodeRegistration.class.getName());

    private final ClusterStore store;
    private final String node;
    private final String key;
    private final Duration ttl;
    private final InstantSource clock;
    private final AtomicLong epoch = new AtomicLong();
    private volatile long leaseId;
    private volatile Instant validUntil = Instant.MIN;

    public NodeRegistration(ClusterStore store, String node, Duration ttl, InstantSource clock) {
        this(store, BlockLayout.NODES, node, ttl, clock);
    }

    /**
     * The same record under another prefix: {@code prefix + node}, for a membership other than the cluster pools'
     * (the nodes sharing the EC2 call budget).
     */
    public NodeRegistration(ClusterStore store, String prefix, String node, Duration ttl, InstantSource clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.node = requireNodeName(node);
        this.key = prefix + node;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Node names go into store keys and block records: a DNS name's alphabet, as Kubernetes node names. */
    static String requireNodeName(String node) {
        if (node == null || node.isEmpty() || node.length() > 253 || !node.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
            throw new IllegalArgumentException("node name \"" + node
                    + "\" must be 1 to 253 lower-case letters, digits, '-' or '.', starting and ending alphanumeric");
        }
        return node;
    }

    public String node() {
        return node;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Grants a lease and puts the record; throws StoreException (UNAVAILABLE) if the store cannot be reached. */
    public synchronized void register() {
        Instant sent = clock.instant();
        Lease lease = store.grantLease(ttl);
        store.put(key, BlockCodec.utf8("{\"node\":\"" + node + "\",\"registeredAt\":\""
                + sent + "\"}"), lease.id());
        leaseId = lease.id();
        validUntil = sent.plus(lease.ttl()).minus(margin(lease.ttl()));
        epoch.incrementAndGet();
        LOG.log(System.Logger.Level.INFO, "node {0} registered in the cluster store (lease {1}, TTL {2})",
                node, Long.toHexString(lease.id()), lease.ttl());
    }

    /**
     * Keeps the record alive; re-registers (a new epoch) if the lease has expired meanwhile. Returns false, keeping
     * the old deadline, while the store cannot be reached: the node goes on serving from memory until it lapses.
     */
    public synchronized boolean renew() {
        if (epoch.get() == 0) {
            try {
                register();
                return true;
            } catch (StoreException e) {
                return false;
            }
        }
        Instant sent = clock.instant();
        try {
            Duration remaining = store.keepAlive(leaseId);
            validUntil = sent.plus(remaining).minus(margin(ttl));
            return true;
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.LEASE_EXPIRED) {
                LOG.log(System.Logger.Level.WARNING, "node {0}: its lease expired; registering again", node);
                try {
                    register();
                    return true;
                } catch (StoreException again) {
                    return false;
                }
            }
            LOG.log(System.Logger.Level.WARNING, "node {0}: cannot renew its lease: {1}", node, e.getMessage());
            return false;
        }
    }

    /** A sixth of the TTL, at least 1 s: room for the keep-alive's own travel time and for clock rate drift. */
    private static Duration margin(Duration ttl) {
        Duration m = ttl.dividedBy(6);
        return m.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : m;
    }

    /** Whether the record is certainly still in the store. */
    public boolean isValid() {
        return clock.instant().isBefore(validUntil);
    }

    public Instant validUntil() {
        return validUntil;
    }

    /** Counts registrations; 0 before the first. */
    public long epoch() {
        return epoch.get();
    }

    /** How often {@link #renew()} should run: three times per TTL. */
    public Duration renewEvery() {
        return ttl.dividedBy(3);
    }

    /** Removes the record now, for a node leaving the cluster for good (not for a restart: pods keep running). */
    public synchronized void deregister() {
        if (epoch.get() > 0) {
            store.revokeLease(leaseId);
            validUntil = Instant.MIN;
        }
    }
}
