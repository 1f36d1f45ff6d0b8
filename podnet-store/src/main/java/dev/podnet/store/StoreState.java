package dev.podnet.store;

import dev.podnet.store.StoreRecord.Delete;
import dev.podnet.store.StoreRecord.LeaseEnded;
import dev.podnet.store.StoreRecord.LeaseGranted;
import dev.podnet.store.StoreRecord.LeaseRenewed;
import dev.podnet.store.StoreRecord.Put;
import dev.podnet.store.StoreRecord.Revision;
import dev.podnet.store.StoreRecord.Stored;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The embedded store's data in memory: keys with their revisions, leases with their keys. It changes only through
 * {@link #apply}, both live and on replay, so replaying the journal rebuilds exactly the state the callers saw.
 * Not thread-safe: the store's lock guards it.
 */
final class StoreState {

    private static final byte[] EMPTY = new byte[0];

    private final TreeMap<String, KeyValue> kvs = new TreeMap<>(Keys.ORDER);
    private final Map<Long, LeaseState> leases = new HashMap<>();
    private long revision = 1;   // etcd's first revision: an empty store is at 1, its first change makes 2
    private long nextLeaseId = 1;

    /** A lease and the keys attached to it; {@code expiresAtMillis} moves with every keep-alive. */
    static final class LeaseState {
        final long id;
        final long ttlMillis;
        long expiresAtMillis;
        final TreeSet<String> keys = new TreeSet<>(Keys.ORDER);

        LeaseState(long id, long ttlMillis, long expiresAtMillis) {
            this.id = id;
            this.ttlMillis = ttlMillis;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    long revision() {
        return revision;
    }

    long nextLeaseId() {
        return nextLeaseId;
    }

    Optional<KeyValue> get(String key) {
        return Optional.ofNullable(kvs.get(key));
    }

    /** Keys starting with {@code prefix}: in code point order they form one run that starts at the prefix itself. */
    List<KeyValue> range(String prefix) {
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : kvs.tailMap(prefix, true).values()) {
            if (!kv.key().startsWith(prefix)) {
                break;
            }
            out.add(kv);
        }
        return out;
    }

    Optional<LeaseState> lease(long id) {
        return Optional.ofNullable(leases.get(id));
    }

    /** Leases whose expiry is at or before {@code nowMillis}, earliest first (so replay order is deterministic). */
    List<LeaseState> due(long nowMillis) {
        return leases.values().stream()
                .filter(l -> l.expiresAtMillis <= nowMillis)
                .sorted(Comparator.<LeaseState>comparingLong(l -> l.expiresAtMillis).thenComparingLong(l -> l.id))
                .toList();
    }

    /** The revision a {@link LeaseEnded} for {@code id} takes: a new one only if the lease still has keys. */
    long revisionForEnd(LeaseState lease) {
        return lease.keys.isEmpty() ? revision : revision + 1;
    }

    /**
     * Applies one change and returns the events watchers see. Throws IllegalStateException when the record does not
     * fit the state: a bug when live, corruption on replay.
     */
    List<WatchEvent> apply(StoreRecord record) {
        return switch (record) {
            case Put p -> put(p);
            case Delete d -> delete(d);
            case LeaseGranted g -> {
                check(!leases.containsKey(g.id()), "lease " + g.id() + " is granted twice");
                leases.put(g.id(), new LeaseState(g.id(), g.ttlMillis(), g.expiresAtMillis()));
                nextLeaseId = Math.max(nextLeaseId, g.id() + 1);
                yield List.of();
            }
            case LeaseRenewed k -> {
                liveLease(k.id()).expiresAtMillis = k.expiresAtMillis();
                yield List.of();
            }
            case LeaseEnded x -> endLease(x);
            case Stored v -> {
                check(v.modRevision() <= revision && v.createRevision() <= v.modRevision(),
                        "key " + v.key() + " is newer than the snapshot's revision " + revision);
                KeyValue kv = new KeyValue(v.key(), v.value(), v.createRevision(), v.modRevision(), v.version(),
                        v.lease());
                check(kvs.put(v.key(), kv) == null, "key " + v.key() + " appears twice");
                attach(kv);
                yield List.of();
            }
            case Revision s -> {
                check(kvs.isEmpty() && leases.isEmpty(), "the revision record must come first");
                revision = s.revision();
                nextLeaseId = s.nextLeaseId();
                yield List.of();
            }
        };
    }

    private List<WatchEvent> put(Put p) {
        nextRevision(p.revision());
        KeyValue old = kvs.get(p.key());
        if (p.lease() != 0) {
            liveLease(p.lease());
        }
        KeyValue kv = old == null
                ? new KeyValue(p.key(), p.value(), p.revision(), p.revision(), 1, p.lease())
                : new KeyValue(p.key(), p.value(), old.createRevision(), p.revision(), old.version() + 1, p.lease());
        detach(old);
        kvs.put(p.key(), kv);
        attach(kv);
        revision = p.revision();
        return List.of(new WatchEvent(WatchEvent.Type.PUT, kv));
    }

    private List<WatchEvent> delete(Delete d) {
        nextRevision(d.revision());
        KeyValue old = kvs.remove(d.key());
        check(old != null, "key " + d.key() + " is deleted but does not exist");
        detach(old);
        revision = d.revision();
        return List.of(tombstone(d.key(), d.revision()));
    }

    private List<WatchEvent> endLease(LeaseEnded x) {
        LeaseState lease = liveLease(x.id());
        check(x.revision() == revisionForEnd(lease), "lease " + x.id() + " ends at revision " + x.revision()
                + ", expected " + revisionForEnd(lease));
        List<WatchEvent> events = new ArrayList<>(lease.keys.size());
        for (String key : lease.keys) {
            kvs.remove(key);
            events.add(tombstone(key, x.revision()));
        }
        leases.remove(x.id());
        revision = x.revision();
        return events;
    }

    /** Writes the state as snapshot records: the revision, then leases, then keys (which refer to leases). */
    void writeSnapshot(Consumer<StoreRecord> out) {
        out.accept(new Revision(revision, nextLeaseId));
        leases.values().stream().sorted(Comparator.comparingLong(l -> l.id))
                .forEach(l -> out.accept(new LeaseGranted(l.id, l.ttlMillis, l.expiresAtMillis)));
        for (KeyValue kv : kvs.values()) {
            out.accept(new Stored(kv.key(), kv.value(), kv.createRevision(), kv.modRevision(), kv.version(),
                    kv.lease()));
        }
    }

    int size() {
        return kvs.size();
    }

    private static WatchEvent tombstone(String key, long revision) {
        // etcd's delete event: the key, the deleting revision as mod revision, everything else zero.
        return new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, EMPTY, 0, revision, 0, 0));
    }

    private void attach(KeyValue kv) {
        if (kv.lease() != 0) {
            liveLease(kv.lease()).keys.add(kv.key());
        }
    }

    private void detach(KeyValue old) {
        if (old != null && old.lease() != 0) {
            LeaseState lease = leases.get(old.lease());
            if (lease != null) {
                lease.keys.remove(old.key());
            }
        }
    }

    private LeaseState liveLease(long id) {
        LeaseState lease = leases.get(id);
        check(lease != null, "lease " + id + " does not exist");
        return lease;
    }

    private void nextRevision(long next) {
        check(next == revision + 1, "revision " + next + " does not follow " + revision);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
