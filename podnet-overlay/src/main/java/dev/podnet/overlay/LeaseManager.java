package dev.podnet.overlay;

import dev.podnet.net.InvalidInputException;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.Lease;
import dev.podnet.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.logging.Logger;

/**
 * This node's subnet lease, in flannel's keys and values, so podnet and flannel nodes share one network.
 *
 * <p>Acquiring: a lease that already names our PublicIP is kept (a restarted node keeps its subnet, and its pods
 * their addresses); otherwise a free subnet in [SubnetMin, SubnetMax] is created with {@code createIfAbsent} under a
 * store lease of {@code ttl} (24 h, flannel's), and a lost race is retried with a fresh read. Renewing: a keep-alive
 * at a third of the TTL, so two more chances pass before expiry.
 *
 * <p>Losing the lease: when our key is gone, or names another node, the lease is never taken back by a blind write.
 * flannel renews with an unconditional put, so a node whose lease expired while it was cut off overwrote the node
 * that had taken the subnet since, and two nodes routed one subnet. Here every write is a create-if-absent or a
 * compare-and-swap, and a lost subnet is only reused if it is still free.
 *
 * <p>Not thread-safe: one caller (the overlay agent's single thread) drives it.
 */
public final class LeaseManager {
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    /** flannel's raceRetries. */
    static final int RACE_RETRIES = 10;
    /** flannel picks among the first 100 free subnets, so racing nodes rarely pick the same one. */
    static final int CANDIDATES = 100;
    private static final Logger LOG = Logger.getLogger(LeaseManager.class.getName());

    private final ClusterStore store;
    private final String prefix;
    private final FlannelConfig config;
    private final Duration ttl;
    private final InstantSource clock;
    private final RandomGenerator random;

    private SubnetLease current;
    private Instant renewAt = Instant.MIN;
    /** The subnet we held before losing it: preferred when it is still free, so pods keep their addresses. */
    private Optional<Ipv4Net> previous = Optional.empty();

    /**
     * @param prefix the etcd prefix, {@code /coreos.com/network} by default
     * @param ttl    the store lease's time to live (whole seconds on etcd)
     */
    public LeaseManager(ClusterStore store, String prefix, FlannelConfig config, Duration ttl, InstantSource clock,
                        RandomGenerator random) {
        if (ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("the lease TTL must be at least a second, got " + ttl);
        }
        this.store = store;
        this.prefix = prefix;
        this.config = config;
        this.ttl = ttl;
        this.clock = clock;
        this.random = random;
        SubnetLease.subnetsPrefix(prefix); // checks the prefix
    }

    /** The lease held now, if any. */
    public Optional<SubnetLease> current() {
        return Optional.ofNullable(current);
    }

    /**
     * Acquires a subnet for the node {@code attrs} describes (its PublicIP and VXLAN data).
     *
     * @throws OverlayException when no subnet is free or the races are lost {@value #RACE_RETRIES} times
     * @throws StoreException   UNAVAILABLE when the store cannot be reached
     */
    public SubnetLease acquire(LeaseAttrs attrs) {
        for (int attempt = 0; attempt < RACE_RETRIES; attempt++) {
            Optional<SubnetLease> won = tryAcquire(attrs);
            if (won.isPresent()) {
                current = won.get();
                previous = Optional.empty();
                return current;
            }
        }
        throw new OverlayException("lost the race for a subnet " + RACE_RETRIES + " times in a row under "
                + SubnetLease.subnetsPrefix(prefix) + "; too many nodes starting at once?");
    }

    /**
     * Keeps the lease: checks that our key still names us, brings its value up to date with {@code attrs} (a new
     * VTEP MAC after the device was recreated), renews it when due, and acquires a new one when it was lost.
     * Call it periodically and whenever the watch reports a change to our key.
     *
     * @return the lease held afterwards; a different subnet than before when ours was lost
     */
    public SubnetLease maintain(LeaseAttrs attrs) {
        if (current == null) {
            return acquire(attrs);
        }
        String key = SubnetLease.path(prefix, current.key());
        Optional<KeyValue> kv = store.get(key);
        if (kv.isEmpty()) {
            return lost("its key " + key + " is gone (expired or deleted)", attrs);
        }
        SubnetLease stored;
        try {
            stored = SubnetLease.from(prefix, kv.get());
        } catch (InvalidInputException e) {
            return lost("its key now holds something else: " + e.getMessage(), attrs);
        }
        if (!stored.attrs().publicIp().equals(attrs.publicIp())) {
            return lost(key + " now belongs to " + stored.attrs().publicIp(), attrs);
        }
        current = stored;
        if (!stored.attrs().sameValue(attrs)) {
            try {
                current = update(kv.get(), attrs, stored.storeLease());
            } catch (StoreException e) {
                if (e.kind() != StoreException.Kind.CONFLICT) {
                    throw e;
                }
                return maintain(attrs); // changed under us: look again
            }
        }
        if (current.storeLease() != 0 && !clock.instant().isBefore(renewAt)) {
            try {
                scheduleRenewal(store.keepAlive(current.storeLease()));
            } catch (StoreException e) {
                if (e.kind() != StoreException.Kind.LEASE_EXPIRED) {
                    throw e;
                }
                return lost("its store lease " + current.storeLease() + " expired", attrs);
            }
        }
        return current;
    }

    private SubnetLease lost(String why, LeaseAttrs attrs) {
        LOG.warning("lost the lease on " + current.subnet() + ": " + why + "; acquiring a subnet again");
        previous = Optional.of(current.subnet());
        Optional<Ipv4Net> preferred = previous;
        current = null;
        SubnetLease again = acquire(attrs);
        if (preferred.isPresent() && !again.subnet().equals(preferred.get())) {
            LOG.warning(preferred.get() + " was taken by another node meanwhile; this node now has " + again.subnet());
        }
        return again;
    }

    /** A key under the subnets prefix: its subnet, and its value when the value is well-formed. */
    private record Entry(KeyValue kv, SubnetKey key, Optional<SubnetLease> lease) {
    }

    private Optional<SubnetLease> tryAcquire(LeaseAttrs attrs) {
        String base = SubnetLease.subnetsPrefix(prefix);
        List<Entry> entries = new ArrayList<>();
        for (KeyValue kv : store.range(base).kvs()) {
            SubnetKey key;
            try {
                key = SubnetKey.parse(kv.key().substring(base.length()));
            } catch (InvalidInputException e) {
                continue; // not a subnet key: it occupies no subnet
            }
            Optional<SubnetLease> lease;
            try {
                lease = Optional.of(SubnetLease.from(prefix, kv));
            } catch (InvalidInputException e) {
                LOG.warning("a malformed lease; its subnet counts as taken: " + e.getMessage());
                lease = Optional.empty();
            }
            entries.add(new Entry(kv, key, lease));
        }
        Optional<Entry> mine = entries.stream().filter(e -> e.lease().isPresent()
                && e.lease().get().attrs().publicIp().equals(attrs.publicIp())).findFirst();
        if (mine.isPresent()) {
            Entry e = mine.get();
            if (config.leasable(e.key().subnet()) && e.key().ipv6().isEmpty()) {
                return keep(e.kv(), e.lease().get(), attrs);
            }
            LOG.info("deleting this node's lease " + e.key() + ": it does not fit the configuration ("
                    + Ipv4Net.format(config.subnetMin()) + " to " + Ipv4Net.format(config.subnetMax())
                    + ", /" + config.subnetLen() + ")");
            try {
                store.deleteIfRevision(e.kv().key(), e.kv().modRevision());
            } catch (StoreException ex) {
                if (ex.kind() != StoreException.Kind.CONFLICT) {
                    throw ex;
                }
            }
            return Optional.empty();
        }
        List<Ipv4Net> taken = entries.stream().map(e -> e.key().subnet()).toList();
        Ipv4Net subnet = pick(taken);
        String key = SubnetLease.path(prefix, SubnetKey.of(subnet));
        Lease lease = store.grantLease(ttl);
        Optional<KeyValue> created;
        try {
            created = store.createIfAbsent(key, attrs.toJson(), lease.id());
        } catch (RuntimeException e) {
            revokeQuietly(lease.id());
            throw e;
        }
        if (created.isEmpty()) {
            revokeQuietly(lease.id());
            LOG.fine(() -> "lost the race for " + subnet + "; trying again");
            return Optional.empty();
        }
        scheduleRenewal(lease.ttl());
        LOG.info("leased " + subnet + " for " + attrs.publicIp() + " (" + key + ", TTL " + lease.ttl() + ")");
        return Optional.of(SubnetLease.from(prefix, created.get()));
    }

    /** Our lease exists already: renew its store lease and bring its value up to date. */
    private Optional<SubnetLease> keep(KeyValue kv, SubnetLease l, LeaseAttrs attrs) {
        if (kv.lease() != 0) {
            try {
                scheduleRenewal(store.keepAlive(kv.lease()));
            } catch (StoreException e) {
                if (e.kind() == StoreException.Kind.LEASE_EXPIRED) {
                    return Optional.empty(); // expiring right now: the next read no longer sees the key
                }
                throw e;
            }
        }
        SubnetLease kept = l;
        if (!l.attrs().sameValue(attrs)) {
            try {
                kept = update(kv, attrs, kv.lease());
            } catch (StoreException e) {
                if (e.kind() == StoreException.Kind.CONFLICT) {
                    return Optional.empty();
                }
                throw e;
            }
        }
        LOG.info("keeping this node's lease " + l.subnet() + " (" + kv.key() + ")");
        return Optional.of(kept);
    }

    private SubnetLease update(KeyValue kv, LeaseAttrs attrs, long lease) {
        KeyValue put = store.putIfRevision(kv.key(), attrs.toJson(), kv.modRevision(), lease);
        return SubnetLease.from(prefix, put);
    }

    private void scheduleRenewal(Duration remaining) {
        Duration base = remaining.compareTo(ttl) < 0 && !remaining.isZero() && !remaining.isNegative() ? remaining : ttl;
        renewAt = clock.instant().plus(base.dividedBy(3));
    }

    /** The previous subnet if still free, else a random one of the first {@value #CANDIDATES} free ones. */
    private Ipv4Net pick(List<Ipv4Net> taken) {
        if (previous.isPresent() && config.leasable(previous.get()) && free(previous.get(), taken)) {
            return previous.get();
        }
        List<Ipv4Net> candidates = new ArrayList<>();
        long size = 1L << (32 - config.subnetLen());
        for (long a = config.subnetMin(); a <= config.subnetMax() && candidates.size() < CANDIDATES; a += size) {
            Ipv4Net sn = new Ipv4Net(a, config.subnetLen());
            if (free(sn, taken)) {
                candidates.add(sn);
            }
        }
        if (candidates.isEmpty()) {
            throw new OverlayException("out of subnets: all " + config.subnetCount() + " /" + config.subnetLen()
                    + " subnets from " + Ipv4Net.format(config.subnetMin()) + " to " + Ipv4Net.format(config.subnetMax())
                    + " are leased");
        }
        return candidates.get(random.nextInt(candidates.size()));
    }

    private static boolean free(Ipv4Net sn, List<Ipv4Net> taken) {
        return taken.stream().noneMatch(sn::overlaps);
    }

    private void revokeQuietly(long lease) {
        try {
            store.revokeLease(lease);
        } catch (StoreException e) {
            LOG.fine(() -> "could not revoke unused lease " + lease + ": " + e.getMessage()); // it expires anyway
        }
    }
}
