package dev.podnet.store.kube;

import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.Keys;
import dev.podnet.store.Lease;
import dev.podnet.store.Range;
import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import dev.podnet.store.Watch;
import dev.podnet.store.WatchListener;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster store on the Kubernetes API server, for clusters with no etcd of their own to give (EKS).
 *
 * <p>The API server offers compare-and-swap on one object at a time and nothing across objects, while the SPI has
 * one revision for the whole store and changes of several keys at once (a lease's end). So one object, the store's
 * {@link StoreLog}, orders everything: a write reads it, applies its last change to the keys' {@link StoreEntry}
 * objects if no one has yet, decides from the keys (now exactly at the log's revision) and commits the next change by
 * replacing the log with its read resourceVersion; a 409 means another writer got that revision first, and it starts
 * again. Only then are the change's keys written. A write therefore always finds every earlier change applied, a
 * writer that dies between commit and apply leaves its change to the next one, and a reader overlays the one change
 * that may not be applied yet. (A write whose apply fails after its commit throws UNAVAILABLE with the change made:
 * the ambiguity of a timeout that every remote store has, etcd's included.) Watches follow the log (see {@link LogWatch}); leases are Lease objects (see
 * {@link KubeLeases}) that a background sweep ends once they have expired on the injected clock.
 *
 * <p>Every write goes through the one log object: fine for what podnet keeps there (block claims, subnet leases, a
 * few writes a minute per node), not a general-purpose database. Deleted keys stay as tombstones.
 */
public final class KubeStore implements ClusterStore {
    private static final Logger LOG = Logger.getLogger(KubeStore.class.getName());
    /** How long a write keeps retrying against other writers before it gives up as UNAVAILABLE. */
    static final Duration COMMIT_PATIENCE = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final String where;
    private final RevisionLog log;
    private final Entries entries;
    private final KubeLeases leases;
    private final LogWatch watches;
    private final ScheduledExecutorService sweeper;
    private volatile boolean closed;

    KubeStore(KubeStoreBuilder b) {
        this.client = b.client;
        StoreNames names = new StoreNames(b.name);
        KubeErrors errors = new KubeErrors(client.getMasterUrl().toString());
        this.where = "store " + b.name + " on the API server at " + errors.server();
        this.log = new RevisionLog(client, names, errors);
        this.entries = new Entries(client, names, errors);
        this.leases = new KubeLeases(client, b.leaseNamespace, names, b.holder, b.clock, b.random, errors);
        this.watches = new LogWatch(client, names.log(), errors);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("podnet-kube-store-lease-sweep").factory());
        long every = b.leaseSweepInterval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** A store over {@code client}, which it closes when it is closed. */
    public static KubeStoreBuilder builder(KubernetesClient client, InstantSource clock) {
        return new KubeStoreBuilder(client, clock);
    }

    @Override
    public Optional<KeyValue> get(String key) {
        Keys.requireKey(key);
        requireOpen();
        StoreLog read = log.read();
        return newest(key, entries.get(key), read.lastWrite());
    }

    @Override
    public Range range(String prefix) {
        Keys.requirePrefix(prefix);
        requireOpen();
        StoreLog read = log.read();
        Optional<Change> last = read.lastWrite();
        TreeMap<String, Optional<KeyValue>> found = new TreeMap<>(Keys.ORDER);
        for (StoreEntry e : entries.under(prefix)) {
            found.put(e.getSpec().key(), newest(e.getSpec().key(), Optional.of(e), last));
        }
        last.ifPresent(c -> c.ops().stream().filter(op -> op.key().startsWith(prefix))
                .forEach(op -> found.putIfAbsent(op.key(), op.keyValue(c.revision()))));
        return new Range(found.values().stream().flatMap(Optional::stream).toList(), read.revision());
    }

    @Override
    public KeyValue put(String key, byte[] value, long lease) {
        byte[] v = checked(key, value, lease);
        return commit("put " + key, next -> {
            requireLive(lease);
            return Decision.write(written(key, v, lease, next, current(key)));
        });
    }

    @Override
    public Optional<KeyValue> createIfAbsent(String key, byte[] value, long lease) {
        byte[] v = checked(key, value, lease);
        return commit("create " + key, next -> {
            requireLive(lease);
            Optional<KeyValue> now = current(key);
            return now.isPresent() ? Decision.none(Optional.empty())
                    : Decision.write(written(key, v, lease, next, now)).map(Optional::of);
        });
    }

    @Override
    public KeyValue putIfRevision(String key, byte[] value, long modRevision, long lease) {
        byte[] v = checked(key, value, lease);
        Keys.requireModRevision(modRevision);
        return commit("put " + key + " at revision " + modRevision, next -> {
            Optional<KeyValue> now = requireRevision(key, modRevision);
            requireLive(lease);
            return Decision.write(written(key, v, lease, next, now));
        });
    }

    @Override
    public void deleteIfRevision(String key, long modRevision) {
        Keys.requireKey(key);
        Keys.requireModRevision(modRevision);
        commit("delete " + key + " at revision " + modRevision, next -> {
            requireRevision(key, modRevision);
            return new Decision<>(List.of(Change.Op.deletion(key)), 0, null);
        });
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        Keys.requireWatch(prefix, afterRevision, listener);
        requireOpen();
        watches.open(); // before the read, so that no version of the log after it goes unseen
        StoreLog now = log.read();
        if (afterRevision < now.getSpec().compacted()) {
            throw new StoreException(Kind.COMPACTED, "revision " + (afterRevision + 1) + " is compacted: the "
                    + where + " keeps the changes after revision " + now.getSpec().compacted()
                    + "; read with range() and watch from its revision");
        }
        return watches.register(prefix, afterRevision, listener, now);
    }

    @Override
    public Lease grantLease(Duration ttl) {
        long seconds = Keys.requireTtlSeconds(ttl);
        requireOpen();
        return leases.grant(seconds);
    }

    @Override
    public Duration keepAlive(long leaseId) {
        Keys.requireLease(leaseId);
        requireOpen();
        // A committed end of the lease deletes its Lease object when applied: apply it, so that it cannot be renewed.
        log.read().last().ifPresent(this::apply);
        return leases.keepAlive(leaseId);
    }

    @Override
    public void revokeLease(long leaseId) {
        Keys.requireLease(leaseId);
        endLease(leaseId, false);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sweeper.shutdownNow();
        watches.close(new StoreException(Kind.UNAVAILABLE, "the " + where + " was closed"));
        client.close();
    }

    /** Ends the lease as one change that deletes its keys; with {@code onlyIfDue}, only if it has expired. */
    private void endLease(long id, boolean onlyIfDue) {
        commit("end lease " + id, next -> {
            KubeLeases.State state = leases.state(id);
            if (state == KubeLeases.State.GONE || onlyIfDue && state != KubeLeases.State.DUE) {
                return Decision.none(null);
            }
            List<Change.Op> ops = entries.leased(id).stream().map(e -> Change.Op.deletion(e.getSpec().key())).toList();
            return new Decision<>(ops, id, null);
        });
    }

    private void sweep() {
        try {
            for (long id : leases.due()) {
                endLease(id, true);
            }
        } catch (StoreException e) {
            LOG.log(Level.FINE, "lease sweep of the " + where, e);
        }
    }

    /**
     * What a write decided from the store at its revision: the ops of the next change (none and no lease to end:
     * change nothing) and the caller's answer.
     */
    private record Decision<T>(List<Change.Op> ops, long endsLease, T answer) {
        static Decision<KeyValue> write(KeyValue kv) {
            return new Decision<>(List.of(Change.Op.put(kv)), 0, kv);
        }

        static <T> Decision<T> none(T answer) {
            return new Decision<>(List.of(), 0, answer);
        }

        <U> Decision<U> map(java.util.function.Function<T, U> f) {
            return new Decision<>(ops, endsLease, f.apply(answer));
        }
    }

    /** Runs the write protocol (see the class comment) until {@code decide} commits or changes nothing. */
    private <T> T commit(String what, LongFunction<Decision<T>> decide) {
        long deadline = System.nanoTime() + COMMIT_PATIENCE.toNanos();
        while (true) {
            requireOpen();
            StoreLog read = log.read();
            read.last().ifPresent(this::apply);
            Decision<T> d = decide.apply(read.revision() + 1);
            if (d.ops().isEmpty() && d.endsLease() == 0) {
                return d.answer();
            }
            Change change = new Change(d.ops().isEmpty() ? read.revision() : read.revision() + 1, d.ops(),
                    d.endsLease());
            if (log.append(read, change)) {
                apply(change);
                return d.answer();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new StoreException(Kind.UNAVAILABLE, what + ": lost the race for the next revision of the "
                        + where + " for " + COMMIT_PATIENCE.toSeconds() + " s");
            }
        }
    }

    private void apply(Change change) {
        entries.apply(change);
        if (change.endsLease() != 0) {
            leases.delete(change.endsLease());
        }
    }

    /** The key now; exact inside {@link #commit}, where every committed change is applied. */
    private Optional<KeyValue> current(String key) {
        return entries.get(key).map(StoreEntry::keyValue);
    }

    /**
     * The key's state from its object and the newest committed change, which may not be applied yet: the change wins
     * when it touches the key and the object is older.
     */
    private static Optional<KeyValue> newest(String key, Optional<StoreEntry> stored, Optional<Change> last) {
        Optional<Change.Op> op = last.flatMap(c -> c.op(key));
        long storedRevision = stored.map(e -> e.getSpec().modRevision()).orElse(0L);
        if (op.isPresent() && last.get().revision() > storedRevision) {
            return op.get().keyValue(last.get().revision());
        }
        return stored.map(StoreEntry::keyValue);
    }

    private Optional<KeyValue> requireRevision(String key, long modRevision) {
        Optional<KeyValue> now = current(key);
        if (now.isEmpty()) {
            throw StoreException.conflict(key + " is gone (expected mod revision " + modRevision + ")");
        }
        if (now.get().modRevision() != modRevision) {
            throw StoreException.conflict(key + " changed: its mod revision is " + now.get().modRevision()
                    + ", expected " + modRevision);
        }
        return now;
    }

    private void requireLive(long lease) {
        if (lease != 0 && leases.state(lease) != KubeLeases.State.LIVE) {
            throw KubeLeases.expired(lease);
        }
    }

    private static KeyValue written(String key, byte[] value, long lease, long revision, Optional<KeyValue> before) {
        return before.map(b -> new KeyValue(key, value.clone(), b.createRevision(), revision, b.version() + 1, lease))
                .orElseGet(() -> new KeyValue(key, value.clone(), revision, revision, 1, lease));
    }

    private byte[] checked(String key, byte[] value, long lease) {
        Keys.requireKey(key);
        Keys.requireValue(value);
        Keys.requireLease(lease);
        requireOpen();
        return value.clone();
    }

    private void requireOpen() {
        if (closed) {
            throw new StoreException(Kind.UNAVAILABLE, "the " + where + " is closed");
        }
    }
}
