package dev.podnet.store;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The embedded store's watches: a bounded history of recent events, so that a watch can start from a past revision,
 * and one dispatcher thread that delivers every watch's events in revision order. Changes are published while the
 * store's lock is held, which fixes the order; the dispatcher delivers a batch only once the journal holds it, so a
 * watcher never acts on a change that a crash would take back.
 */
final class WatchHub {

    private static final Logger LOG = Logger.getLogger(WatchHub.class.getName());

    /** Waits until journal record {@code seq} is on disk. */
    interface Durability {
        void await(long seq) throws IOException;
    }

    private record Recorded(long revision, WatchEvent event) {
    }

    private sealed interface Item {
    }

    private record Delivery(Registration to, List<WatchEvent> events, long seq) implements Item {
    }

    private record Failure(Registration to, StoreException cause) implements Item {
    }

    private record Stop() implements Item {
    }

    private final int capacity;
    private final Durability durability;
    private final ArrayDeque<Recorded> history = new ArrayDeque<>();
    /** Every event after this revision is in the history; guarded by the store's lock. */
    private long compactedRevision;
    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Thread dispatcher;

    WatchHub(int capacity, long currentRevision, Durability durability) {
        this.capacity = capacity;
        this.durability = durability;
        this.compactedRevision = currentRevision;   // events from before this process are not kept
        this.dispatcher = Thread.ofPlatform().daemon().name("podnet-store-watch").unstarted(this::dispatch);
        dispatcher.start();
    }

    /** Records the events of one revision and queues them for the watches they match; under the store's lock. */
    void publish(long seq, List<WatchEvent> events) {
        long revision = events.getFirst().kv().modRevision();
        for (WatchEvent e : events) {
            history.addLast(new Recorded(revision, e));
        }
        while (history.size() > capacity) {
            long evicted = history.removeFirst().revision();
            compactedRevision = Math.max(compactedRevision, evicted);
            // A revision is kept whole or not at all: a watch must never see half of a lease's deletes.
            while (!history.isEmpty() && history.getFirst().revision() == evicted) {
                history.removeFirst();
            }
        }
        for (Registration r : registrations) {
            List<WatchEvent> matching = r.matching(events);
            if (!matching.isEmpty()) {
                queue.add(new Delivery(r, matching, seq));
            }
        }
    }

    /** Starts a watch, first replaying the kept events after {@code afterRevision}; under the store's lock. */
    Watch register(String prefix, long afterRevision, WatchListener listener, long seq) {
        if (afterRevision < compactedRevision) {
            throw new StoreException(StoreException.Kind.COMPACTED, "revision " + (afterRevision + 1)
                    + " is compacted: the store keeps the events after revision " + compactedRevision
                    + "; read with range() and watch from its revision");
        }
        Registration r = new Registration(prefix, listener);
        List<WatchEvent> replay = new ArrayList<>();
        for (Recorded e : history) {
            if (e.revision() > afterRevision && e.event().kv().key().startsWith(prefix)) {
                replay.add(copy(e.event()));
            }
        }
        registrations.add(r);
        if (!replay.isEmpty()) {
            queue.add(new Delivery(r, replay, seq));
        }
        return r;
    }

    /** Ends every watch with {@code cause}, after the events already queued. */
    void failAll(StoreException cause) {
        for (Registration r : registrations) {
            registrations.remove(r);
            queue.add(new Failure(r, cause));
        }
    }

    /**
     * Delivers what is queued, ends the open watches with {@code cause} and stops the dispatcher. Waits for it a
     * bounded time: a listener that never returns must not keep close() from returning.
     */
    void close(StoreException cause) {
        failAll(cause);
        queue.add(new Stop());
        if (Thread.currentThread() != dispatcher) {
            try {
                if (!dispatcher.join(java.time.Duration.ofSeconds(5))) {
                    LOG.warning("a watch listener did not return within 5 s of close; leaving its thread behind");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops at once without delivering anything more, as a killed process would. */
    void abandon() {
        queue.clear();
        queue.add(new Stop());
    }

    private void dispatch() {
        while (true) {
            Item item;
            try {
                item = queue.poll(1, TimeUnit.DAYS);
            } catch (InterruptedException e) {
                return;
            }
            switch (item) {
                case null -> {
                }
                case Stop s -> {
                    return;
                }
                case Failure f -> {
                    if (f.to().end()) {
                        call(f.to(), () -> f.to().listener.failed(f.cause()));
                    }
                }
                case Delivery d -> {
                    if (d.to().closed) {
                        continue;
                    }
                    try {
                        durability.await(d.seq());
                    } catch (IOException e) {
                        continue;   // the store fails every watch on its own when its journal fails
                    }
                    if (!d.to().closed) {
                        call(d.to(), () -> d.to().listener.onEvents(d.events()));
                    }
                }
            }
        }
    }

    /** Values are arrays: each listener gets its own, so none can change what the store or another watch holds. */
    private static WatchEvent copy(WatchEvent e) {
        KeyValue kv = e.kv();
        return new WatchEvent(e.type(), new KeyValue(kv.key(), kv.value().clone(), kv.createRevision(),
                kv.modRevision(), kv.version(), kv.lease()));
    }

    private static void call(Registration r, Runnable delivery) {
        try {
            delivery.run();
        } catch (RuntimeException e) {
            // One listener's bug must not stop the others' events.
            LOG.log(Level.WARNING, "watch listener on " + r.prefix + " threw", e);
        }
    }

    private final class Registration implements Watch {
        final String prefix;
        final WatchListener listener;
        volatile boolean closed;

        Registration(String prefix, WatchListener listener) {
            this.prefix = prefix;
            this.listener = listener;
        }

        List<WatchEvent> matching(List<WatchEvent> events) {
            List<WatchEvent> out = new ArrayList<>(events.size());
            for (WatchEvent e : events) {
                if (e.kv().key().startsWith(prefix)) {
                    out.add(copy(e));
                }
            }
            return out;
        }

        /** Marks the watch ended; true the first time, so failed() is called at most once and only if open. */
        synchronized boolean end() {
            if (closed) {
                return false;
            }
            closed = true;
            return true;
        }

        @Override
        public void close() {
            end();
            registrations.remove(this);
        }
    }
}
