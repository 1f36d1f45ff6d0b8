package dev.podnet.store;

import dev.podnet.store.StoreException.Kind;
import dev.podnet.store.StoreRecord.Delete;
import dev.podnet.store.StoreRecord.LeaseEnded;
import dev.podnet.store.StoreRecord.LeaseGranted;
import dev.podnet.store.StoreRecord.LeaseRenewed;
import dev.podnet.store.StoreRecord.Put;
import dev.podnet.net.GroupCommitJournal;
import dev.podnet.net.JournaledDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster store for a single machine, shared by every caller in one JVM: etcd's model in memory, every change
 * appended to a journal and forced before the call returns (concurrent callers share forces), replayed on open and
 * compacted into a snapshot once the journal outgrows it. One process at a time: a second open of the same directory
 * fails. Leases run on the injected clock; expiry is checked on every call and by a small background sweep, and
 * deletes the lease's keys as one change with its own revision, like etcd.
 */
public final class EmbeddedStore implements ClusterStore {

    private static final Logger LOG = Logger.getLogger(EmbeddedStore.class.getName());

    private final Path dir;
    private final InstantSource clock;
    private final long compactAfterBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final StoreState state = new StoreState();
    private final JournaledDirectory<StoreRecord> files;
    private volatile GroupCommitJournal<StoreRecord> journal;
    private final WatchHub watches;
    private final ScheduledExecutorService sweeper;
    /** Set once the journal failed: from then on the files, not memory, are the truth, and every call throws it. */
    private volatile StoreException failure;
    private boolean closed;
    private boolean compactionQueued;

    EmbeddedStore(EmbeddedStoreBuilder b) {
        this.dir = b.dir;
        this.clock = b.clock;
        this.compactAfterBytes = b.compactAfterBytes;
        try {
            this.files = JournaledDirectory.lock(dir, StoreCodec.FORMAT, JournaledDirectory.WhenHeld.FAIL,
                    lock::hasQueuedThreads);
        } catch (IOException e) {
            throw new StoreException(Kind.UNAVAILABLE, "cannot lock the store in " + dir + ": " + e.getMessage(), e);
        }
        try {
            this.journal = files.load((record, fromSnapshot) -> state.apply(record));
        } catch (IOException | RuntimeException e) {
            closeQuietly(files);
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException(Kind.UNAVAILABLE, "cannot open the store in " + dir + ": " + e.getMessage(), e);
        }
        this.watches = new WatchHub(b.watchHistory, state.revision(), seq -> journal.awaitDurable(seq));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("podnet-store-lease-sweep").factory());
        long every = b.leaseSweepInterval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** Opens (or creates) the store in {@code dir} with the default options. */
    public static EmbeddedStore open(Path dir, InstantSource clock) {
        return builder(dir, clock).open();
    }

    public static EmbeddedStoreBuilder builder(Path dir, InstantSource clock) {
        return new EmbeddedStoreBuilder(dir, clock);
    }

    @Override
    public Optional<KeyValue> get(String key) {
        Keys.requireKey(key);
        return call(() -> state.get(key).map(EmbeddedStore::copyOut));
    }

    @Override
    public Range range(String prefix) {
        Keys.requirePrefix(prefix);
        return call(() -> new Range(state.range(prefix).stream().map(EmbeddedStore::copyOut).toList(),
                state.revision()));
    }

    @Override
    public KeyValue put(String key, byte[] value, long lease) {
        byte[] copy = checked(key, value, lease);
        return call(() -> write(key, copy, lease));
    }

    @Override
    public Optional<KeyValue> createIfAbsent(String key, byte[] value, long lease) {
        byte[] copy = checked(key, value, lease);
        return call(() -> state.get(key).isPresent() ? Optional.empty() : Optional.of(write(key, copy, lease)));
    }

    @Override
    public KeyValue putIfRevision(String key, byte[] value, long modRevision, long lease) {
        byte[] copy = checked(key, value, lease);
        Keys.requireModRevision(modRevision);
        return call(() -> {
            requireModRevision(key, modRevision);
            return write(key, copy, lease);
        });
    }

    @Override
    public void deleteIfRevision(String key, long modRevision) {
        Keys.requireKey(key);
        Keys.requireModRevision(modRevision);
        call(() -> {
            requireModRevision(key, modRevision);
            return record(new Delete(state.revision() + 1, key));
        });
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        Keys.requireWatch(prefix, afterRevision, listener);
        return call(() -> watches.register(prefix, afterRevision, listener, journal.lastEnqueued()));
    }

    @Override
    public Lease grantLease(Duration ttl) {
        long seconds = Keys.requireTtlSeconds(ttl);
        return call(() -> {
            long id = state.nextLeaseId();
            record(new LeaseGranted(id, seconds * 1000, clock.millis() + seconds * 1000));
            return new Lease(id, Duration.ofSeconds(seconds));
        });
    }

    @Override
    public Duration keepAlive(long leaseId) {
        Keys.requireLease(leaseId);
        return call(() -> {
            StoreState.LeaseState lease = liveLease(leaseId);
            record(new LeaseRenewed(leaseId, clock.millis() + lease.ttlMillis));
            return Duration.ofMillis(lease.ttlMillis);
        });
    }

    @Override
    public void revokeLease(long leaseId) {
        Keys.requireLease(leaseId);
        call(() -> state.lease(leaseId).map(l -> record(new LeaseEnded(state.revisionForEnd(l), l.id))));
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        stopSweeper();
        watches.close(new StoreException(Kind.UNAVAILABLE, "the store in " + dir + " was closed"));
        try {
            journal.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the journal in " + dir, e);
        }
        closeQuietly(files);
    }

    /** Stops as a killed process would: queued records are not written, watches get nothing more. For tests. */
    void simulateCrash() throws IOException {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        stopSweeper();
        watches.abandon();
        journal.abandon();
        files.close();
    }

    /** Lets a running sweep or compaction finish: interrupting it could close the journal's file under it. */
    private void stopSweeper() {
        sweeper.shutdown();
        try {
            if (!sweeper.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warning("the lease sweep in " + dir + " did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The generation of the snapshot the journal follows: how many compactions the directory has seen. */
    long generation() {
        lock.lock();
        try {
            return files.generation();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code body} under the lock after ending the leases that are due, compacts if the journal grew past its
     * threshold, then waits outside the lock until everything the body saw or did is on disk.
     */
    private <T> T call(Supplier<T> body) {
        T result;
        long seq;
        lock.lock();
        try {
            if (closed) {
                throw new StoreException(Kind.UNAVAILABLE, "the store in " + dir + " is closed");
            }
            if (failure != null) {
                throw failure;
            }
            expireDue();
            result = body.get();
            seq = journal.lastEnqueued();
            if (!compactionQueued && compactionDue()) {
                // On the sweep thread, which nobody interrupts: an interrupt would close the files under it.
                compactionQueued = true;
                sweeper.execute(this::compact);
            }
        } finally {
            lock.unlock();
        }
        try {
            journal.awaitDurable(seq);
        } catch (IOException e) {
            throw fail(e);
        }
        return result;
    }

    private void sweep() {
        try {
            call(() -> null);
        } catch (StoreException e) {
            LOG.log(Level.FINE, "lease sweep in " + dir, e);
        }
    }

    private void expireDue() {
        for (StoreState.LeaseState l : state.due(clock.millis())) {
            record(new LeaseEnded(state.revisionForEnd(l), l.id));
        }
    }

    /** Applies a change to memory, queues it for the journal and publishes its events; under the lock. */
    private long record(StoreRecord change) {
        List<WatchEvent> events = state.apply(change);
        long seq = journal.enqueue(change);
        if (!events.isEmpty()) {
            watches.publish(seq, events);
        }
        return seq;
    }

    private KeyValue write(String key, byte[] value, long lease) {
        if (lease != 0) {
            liveLease(lease);
        }
        record(new Put(state.revision() + 1, key, value, lease));
        return copyOut(state.get(key).orElseThrow());
    }

    private void requireModRevision(String key, long modRevision) {
        Optional<KeyValue> current = state.get(key);
        if (current.isEmpty()) {
            throw StoreException.conflict(key + " is gone (expected mod revision " + modRevision + ")");
        }
        if (current.get().modRevision() != modRevision) {
            throw StoreException.conflict(key + " changed: its mod revision is " + current.get().modRevision()
                    + ", expected " + modRevision);
        }
    }

    private StoreState.LeaseState liveLease(long id) {
        return state.lease(id).orElseThrow(() -> new StoreException(Kind.LEASE_EXPIRED,
                "lease " + id + " has expired or was revoked"));
    }

    private boolean compactionDue() {
        return journal.size() > Math.max(compactAfterBytes, 2 * files.snapshotBytes());
    }

    /** Writes a snapshot and starts a new journal, holding the lock so that the state keeps still. */
    private void compact() {
        lock.lock();
        try {
            compactionQueued = false;
            if (closed || failure != null || !compactionDue()) {
                return;
            }
            journal = files.compact(state::writeSnapshot, journal);
        } catch (JournaledDirectory.CommittedCompactionFailure e) {
            fail(e);
        } catch (IOException e) {
            // Nothing was committed: the current journal still holds everything; try again after the next change.
            LOG.log(Level.WARNING, "compacting the store in " + dir + " failed; will retry", e);
        } finally {
            lock.unlock();
        }
    }

    private StoreException fail(IOException e) {
        StoreException f = new StoreException(Kind.UNAVAILABLE, "the store in " + dir
                + " could not write its journal and must be reopened: " + e.getMessage(), e);
        lock.lock();
        try {
            if (failure == null) {
                failure = f;
                watches.failAll(f);
            }
            return failure;
        } finally {
            lock.unlock();
        }
    }

    private static byte[] checked(String key, byte[] value, long lease) {
        Keys.requireKey(key);
        Keys.requireValue(value);
        Keys.requireLease(lease);
        return value.clone();
    }

    private static KeyValue copyOut(KeyValue kv) {
        return new KeyValue(kv.key(), kv.value().clone(), kv.createRevision(), kv.modRevision(), kv.version(),
                kv.lease());
    }

    private static void closeQuietly(JournaledDirectory<StoreRecord> files) {
        try {
            files.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "releasing the store lock", e);
        }
    }
}
