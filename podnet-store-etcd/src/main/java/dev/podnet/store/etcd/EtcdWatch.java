package dev.podnet.store.etcd;

import dev.podnet.store.KeyValue;
import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import dev.podnet.store.Watch;
import dev.podnet.store.WatchEvent;
import dev.podnet.store.WatchListener;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One watch over jetcd. jetcd calls back on its gRPC event loop and resumes the watch by itself after a dropped
 * stream (from the revision after the last event, so nothing is lost or repeated); this class hands every batch to
 * the store's single dispatcher thread, where a listener may block or call the store, and reports a watch that jetcd
 * gave up on (compaction, a halting error) through {@link WatchListener#failed} exactly once.
 */
final class EtcdWatch implements Watch, io.etcd.jetcd.Watch.Listener {

    private static final Logger LOG = Logger.getLogger(EtcdWatch.class.getName());

    private final String prefix;
    private final String endpoints;
    private final WatchListener listener;
    private final Executor dispatcher;
    private final Function<io.etcd.jetcd.KeyValue, KeyValue> convert;
    private final Consumer<EtcdWatch> onEnd;
    /** Completes when etcd confirmed the watch, or with the reason it never will. */
    final CompletableFuture<Void> created = new CompletableFuture<>();
    private volatile io.etcd.jetcd.Watch.Watcher watcher;
    /** Closed by the caller: nothing more is delivered, not even failed(). */
    private volatile boolean closed;
    /** failed() was queued; guarded by this. */
    private boolean ended;
    /** Set on the dispatcher thread once failed() ran: events that jetcd still sends are dropped. */
    private boolean failedDelivered;
    private volatile Throwable lastError;

    EtcdWatch(String prefix, String endpoints, WatchListener listener, Executor dispatcher,
              Function<io.etcd.jetcd.KeyValue, KeyValue> convert, Consumer<EtcdWatch> onEnd) {
        this.prefix = prefix;
        this.endpoints = endpoints;
        this.listener = listener;
        this.dispatcher = dispatcher;
        this.convert = convert;
        this.onEnd = onEnd;
    }

    void started(io.etcd.jetcd.Watch.Watcher watcher) {
        this.watcher = watcher;
        if (closed) {
            watcher.close();
        }
    }

    @Override
    public void onNext(WatchResponse response) {
        if (response.isCreatedNotify()) {
            created.complete(null);
            return;
        }
        List<WatchEvent> events = response.getEvents().stream()
                .filter(e -> e.getEventType() != io.etcd.jetcd.watch.WatchEvent.EventType.UNRECOGNIZED)
                .map(e -> new WatchEvent(e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.PUT
                        ? WatchEvent.Type.PUT : WatchEvent.Type.DELETE, convert.apply(e.getKeyValue())))
                .toList();
        if (events.isEmpty()) {
            return;   // a progress notification
        }
        dispatcher.execute(() -> {
            if (!closed && !failedDelivered) {
                call(() -> listener.onEvents(events));
            }
        });
    }

    /** jetcd reports every stream failure here; it resumes after transient ones, so only some end the watch. */
    @Override
    public void onError(Throwable error) {
        StoreException mapped = EtcdErrors.map(error, "watch " + prefix, endpoints);
        if (mapped.kind() == Kind.COMPACTED) {
            created.completeExceptionally(mapped);
            end(mapped);
        } else {
            lastError = error;
        }
    }

    /** jetcd calls this when the watch is over, after a halting error or when closed. */
    @Override
    public void onCompleted() {
        Throwable last = lastError;
        StoreException cause = last != null
                ? EtcdErrors.map(last, "watch " + prefix, endpoints)
                : new StoreException(Kind.UNAVAILABLE, "watch " + prefix + ": etcd ended the watch");
        created.completeExceptionally(cause);
        end(cause);
    }

    /** Ends the watch for the store's own reason (the store is closing). */
    void end(StoreException cause) {
        synchronized (this) {
            if (ended || closed) {
                return;
            }
            ended = true;
        }
        dispatcher.execute(() -> {
            if (!closed) {
                failedDelivered = true;
                call(() -> listener.failed(cause));
            }
        });
        closeWatcher();
    }

    @Override
    public void close() {
        closed = true;
        closeWatcher();
    }

    private void closeWatcher() {
        io.etcd.jetcd.Watch.Watcher w = watcher;
        if (w != null) {
            w.close();
        }
        onEnd.accept(this);
    }

    private void call(Runnable delivery) {
        try {
            delivery.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "watch listener on " + prefix + " threw", e);
        }
    }
}
