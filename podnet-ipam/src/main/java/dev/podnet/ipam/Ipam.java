package dev.podnet.ipam;

import dev.podnet.ipam.IpamException.Reason;
import dev.podnet.ipam.JournalRecord.Allocated;
import dev.podnet.ipam.JournalRecord.Released;
import dev.podnet.net.CompactionStep;
import dev.podnet.net.GroupCommitJournal;
import dev.podnet.net.JournaledDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The IPAM engine: pools, allocations keyed by attachment, quarantine, GC, all journaled under one state directory.
 * Safe to call from many (virtual) threads: each call changes memory under a short lock, queues its journal record
 * in the same critical section (so the journal's order is the order of the changes), then waits outside the lock
 * until the record is forced to disk, sharing that force with concurrent callers. No call returns an answer that
 * a crash could take back. After a disk failure the engine refuses every call; reopening replays what is on disk.
 * The files and their format are described in {@link JournaledDirectory} and {@link RecordCodec}.
 */
public final class Ipam implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Ipam.class.getName());

    /** Guards {@link #state} and the order of journal records; held only for in-memory work. */
    private final ReentrantLock lock;
    private final AllocatorState state;
    private final JournaledDirectory<JournalRecord> directory;
    private final InstantSource clock;
    private final IpamOptions options;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();
    private final AtomicBoolean compactionQueued = new AtomicBoolean();
    private volatile GroupCommitJournal<JournalRecord> journal;
    /** Journal size that triggers the next background compaction; pushed out after a failed one. */
    private volatile long compactAt;
    /** Why the engine refuses calls: a disk failure, or null while healthy. */
    private volatile IpamException stopped;
    private volatile boolean closed;

    private Ipam(ReentrantLock lock, AllocatorState state, JournaledDirectory<JournalRecord> directory,
                 GroupCommitJournal<JournalRecord> journal, InstantSource clock, IpamOptions options) {
        this.lock = lock;
        this.state = state;
        this.directory = directory;
        this.journal = journal;
        this.clock = clock;
        this.options = options;
        this.compactAt = options.compactAfterBytes();
    }

    /**
     * Opens (creating if needed) the state in {@code stateDir} and replays what an earlier run left there.
     * Blocks while another process has the directory open, as host-local waits for its lock, so embedded-mode
     * plugin runs take turns. Pools must not share addresses; a pool may be renamed or dropped between runs,
     * in which case its allocations stay listed (so DEL and GC can release them) until released.
     */
    public static Ipam open(Path stateDir, List<Pool> pools, InstantSource clock, IpamOptions options) {
        Objects.requireNonNull(clock, "clock");
        AllocatorState state = new AllocatorState(pools, options.quarantine());
        JournaledDirectory<JournalRecord> directory = null;
        try {
            ReentrantLock lock = new ReentrantLock();
            // Blocks like host-local's flock: embedded-mode plugin runs take turns.
            directory = JournaledDirectory.lock(stateDir, RecordCodec.FORMAT, JournaledDirectory.WhenHeld.WAIT,
                    lock::hasQueuedThreads);
            GroupCommitJournal<JournalRecord> journal = directory.load(StateRecords.replayInto(state));
            return new Ipam(lock, state, directory, journal, clock, options);
        } catch (IOException | RuntimeException e) {
            closeQuietly(directory);
            if (e instanceof IpamException ipam) {
                throw ipam;
            }
            throw new IpamException(Reason.INTERNAL, "cannot open IPAM state in " + stateDir + ": " + e, e);
        }
    }

    /** ADD: the attachment's addresses, allocated now or earlier (the same answer every time). */
    public Allocation allocate(AllocationRequest request) {
        return change(now -> {
            AllocatorState.Outcome o = state.allocate(request, now);
            Allocation a = o.allocation();
            return new Change<>(a, o.created() ? List.of(Allocated.of(a)) : List.of());
        });
    }

    /**
     * Adds {@code pool} to the running engine, or changes its ranges while it holds no address (then: CONFLICT, and
     * the old ranges stay). Not journaled: pools are configuration, given again at every open.
     */
    public void define(Pool pool) {
        Objects.requireNonNull(pool, "pool");
        change(now -> {
            state.define(pool);
            return new Change<>(null, List.of());
        });
    }

    /** DEL: releases the attachment's addresses into quarantine; empty if it held none (not an error). */
    public Optional<Allocation> release(AttachmentKey key) {
        Objects.requireNonNull(key, "key");
        return change(now -> {
            Optional<Allocation> released = state.release(key, now);
            return new Change<>(released, released.isPresent() ? List.of(new Released(key, now)) : List.of());
        });
    }

    /**
     * Hands the allocation of {@code from} to {@code to} in one journal record, its addresses never free or in
     * quarantine between the two: how a StatefulSet pod's addresses wait under a reservation key for the pod's next
     * incarnation, and how that incarnation takes them. {@code pod}, when given, becomes the allocation's pod.
     * NOT_FOUND if {@code from} holds nothing, CONFLICT if {@code to} holds something.
     */
    public Allocation rekey(AttachmentKey from, AttachmentKey to, Optional<PodRef> pod) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(pod, "pod");
        return change(now -> {
            Allocation moved = state.rekey(from, to, pod);
            return new Change<>(moved, List.of(new JournalRecord.Rekeyed(from, to, now, pod)));
        });
    }

    /** Releases every attachment of one container. */
    public List<Allocation> releaseContainer(String containerId) {
        AttachmentKey.requireContainerId(containerId);
        return releaseWhere(() -> state.keysOf(containerId));
    }

    /** CNI GC: releases every allocation whose attachment is not in {@code validAttachments}. */
    public List<Allocation> gc(Set<AttachmentKey> validAttachments) {
        return gc(pool -> true, validAttachments);
    }

    /** CNI GC for one network: only allocations from {@code pool} are considered. */
    public List<Allocation> gc(String pool, Set<AttachmentKey> validAttachments) {
        Pool.requireName(pool);
        return gc(pool::equals, validAttachments);
    }

    private List<Allocation> gc(Predicate<String> pool, Set<AttachmentKey> valid) {
        Set<AttachmentKey> keep = Set.copyOf(valid);
        return releaseWhere(() -> state.keys().stream().filter(k -> !keep.contains(k)
                && state.find(k).map(a -> pool.test(a.pool())).orElse(false)).toList());
    }

    private List<Allocation> releaseWhere(Supplier<List<AttachmentKey>> keys) {
        return change(now -> {
            List<Allocation> released = new ArrayList<>();
            List<JournalRecord> journaled = new ArrayList<>();
            for (AttachmentKey k : keys.get()) {
                state.release(k, now).ifPresent(a -> {
                    released.add(a);
                    journaled.add(new Released(k, now));
                });
            }
            return new Change<>(List.copyOf(released), journaled);
        });
    }

    /** CHECK: what the attachment holds. */
    public Optional<Allocation> find(AttachmentKey key) {
        return change(now -> new Change<>(state.find(key), List.of()));
    }

    public List<Allocation> allocations() {
        return change(now -> new Change<>(state.allocations(), List.of()));
    }

    public IpamStatus status() {
        return change(now -> new Change<>(new IpamStatus(state.status(now), state.allocations()), List.of()));
    }

    /** The pools' counts alone: cheap enough for every metrics scrape, unlike {@link #status()}'s full listing. */
    public List<PoolStatus> poolStatus() {
        return change(now -> new Change<>(state.status(now), List.of()));
    }

    /** Whether {@code address} is held, in quarantine, free or not the engine's to hand out. */
    public AddressUse use(inet.ipaddr.IPAddress address) {
        Objects.requireNonNull(address, "address");
        return change(now -> new Change<>(state.use(address, now), List.of()));
    }

    public JournalStats journalStats() {
        return new JournalStats(records.get(), directory.fsyncs(), journal.size(), compactions.get());
    }

    /** Folds the journal into a new snapshot now; also happens in the background past a size. */
    public void compact() {
        compact(step -> { });
    }

    /** Compacts, calling {@code crashPoint} after each step; tests throw from it to stop there like a crash. */
    void compact(Consumer<CompactionStep> crashPoint) {
        lock.lock();
        try {
            ensureRunning();
            journal = directory.compact(StateRecords.snapshotOf(state), journal, crashPoint);
            compactions.incrementAndGet();
        } catch (JournaledDirectory.CommittedCompactionFailure e) {
            throw stop("compaction failed after its commit point", e);
        } catch (IOException e) {
            throw new IpamException(Reason.INTERNAL, "compaction failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Writes what is queued, closes files and releases the directory lock. */
    @Override
    public void close() {
        shutDown(false);
    }

    /** Drops everything without writing what is queued, as {@code kill -9} would. For crash tests. */
    void crash() {
        shutDown(true);
    }

    private void shutDown(boolean abandon) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (stopped == null && !abandon) {
                journal.close();
            } else {
                journal.abandon();
            }
        } catch (IOException e) {
            throw new IpamException(Reason.INTERNAL, "closing the journal failed: " + e.getMessage(), e);
        } finally {
            closeQuietly(directory);
            lock.unlock();
        }
    }

    /** The journal being appended to; tests break it to see the engine stop. */
    GroupCommitJournal<JournalRecord> currentJournal() {
        return journal;
    }

    private record Change<T>(T result, List<JournalRecord> records) {
    }

    /** The one path of every call: change memory and queue records under the lock, then wait for the disk. */
    private <T> T change(Function<Instant, Change<T>> body) {
        GroupCommitJournal<JournalRecord> target;
        long seq;
        T result;
        lock.lock();
        try {
            ensureRunning();
            Change<T> c = body.apply(clock.instant().truncatedTo(ChronoUnit.MILLIS));
            c.records().forEach(journal::enqueue);
            records.addAndGet(c.records().size());
            target = journal;
            // Also for reads: an answer must not show a change that is not yet on disk.
            seq = journal.lastEnqueued();
            result = c.result();
        } finally {
            lock.unlock();
        }
        try {
            target.awaitDurable(seq);
        } catch (IOException e) {
            throw stop("journal write failed", e);
        }
        if (target.size() > compactAt && compactionQueued.compareAndSet(false, true)) {
            options.compactionExecutor().execute(this::compactInBackground);
        }
        return result;
    }

    private void compactInBackground() {
        try {
            if (!closed && stopped == null && journal.size() > compactAt) {
                compact();
                compactAt = options.compactAfterBytes();
            }
        } catch (IpamException e) {
            // Retrying on every call would rewrite the snapshot in a loop while, say, the disk is full.
            compactAt = journal.size() + options.compactAfterBytes();
            LOG.log(System.Logger.Level.WARNING, "IPAM journal compaction failed", e);
        } finally {
            compactionQueued.set(false);
        }
    }

    private IpamException stop(String what, IOException e) {
        IpamException failure = new IpamException(Reason.INTERNAL, what + " (" + e.getMessage()
                + "); the IPAM engine stopped and must be reopened", e);
        if (stopped == null) {
            stopped = failure;
        }
        return failure;
    }

    private void ensureRunning() {
        if (closed) {
            throw new IpamException(Reason.INTERNAL, "the IPAM engine is closed");
        }
        IpamException s = stopped;
        if (s != null) {
            throw new IpamException(Reason.INTERNAL, s.getMessage(), s);
        }
    }

    private static void closeQuietly(JournaledDirectory<JournalRecord> directory) {
        if (directory != null) {
            try {
                directory.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing IPAM state lock failed", e);
            }
        }
    }
}
