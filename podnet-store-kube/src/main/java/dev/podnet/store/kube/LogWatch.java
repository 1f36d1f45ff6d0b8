package dev.podnet.store.kube;

import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import dev.podnet.store.Watch;
import dev.podnet.store.WatchEvent;
import dev.podnet.store.WatchListener;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every watch of a store, over one API-server watch of its StoreLog. Each version of the log carries the recent
 * changes, so a watch needs no event-by-event stream: it delivers the changes after the revision it delivered last,
 * whichever version of the log told it, and a version that no longer holds them ends it as COMPACTED. One thread
 * delivers everything, in revision order, off the client's threads, so a listener may block or call the store.
 */
final class LogWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LogWatch.class.getName());

    private final KubernetesClient client;
    private final String logName;
    private final KubeErrors errors;
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("podnet-kube-store-watch").factory());
    private final Set<Registration> registrations = ConcurrentHashMap.newKeySet();
    /** The API-server watch while one is open; guarded by this. */
    private io.fabric8.kubernetes.client.Watch upstream;

    LogWatch(KubernetesClient client, String logName, KubeErrors errors) {
        this.client = client;
        this.logName = logName;
        this.errors = errors;
    }

    /** Opens the API-server watch unless it is open; call before reading the log a new watch starts from. */
    synchronized void open() {
        if (upstream != null) {
            return;
        }
        upstream = errors.call("watch the store log " + logName,
                () -> client.resources(StoreLog.class).withName(logName).watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, StoreLog log) {
                        if (action == Action.ADDED || action == Action.MODIFIED) {
                            dispatch(() -> registrations.forEach(r -> r.deliver(log)));
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        upstreamEnded(errors.map(new KubernetesClientException("the watch ended", cause),
                                "watch the store log " + logName));
                    }

                    @Override
                    public void onClose() {
                        upstreamEnded(new StoreException(Kind.UNAVAILABLE, "the watch of " + logName + " was closed"));
                    }
                }));
    }

    /** Starts a watch that has delivered up to {@code afterRevision}, first catching up from {@code now}. */
    Watch register(String prefix, long afterRevision, WatchListener listener, StoreLog now) {
        Registration r = new Registration(prefix, afterRevision, listener);
        registrations.add(r);
        dispatch(() -> r.deliver(now));
        return r;
    }

    /** Ends every watch with {@code cause}, after what is queued, and stops delivering. */
    @Override
    public void close() {
        close(new StoreException(Kind.UNAVAILABLE, "the store was closed"));
    }

    void close(StoreException cause) {
        failAll(cause); // first: the upstream's own close report comes after and finds every watch ended
        synchronized (this) {
            if (upstream != null) {
                upstream.close();
                upstream = null;
            }
        }
        dispatcher.shutdown();
        try {
            if (!dispatcher.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warning("a watch listener did not return within 5 s of close; leaving its thread behind");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void upstreamEnded(StoreException cause) {
        synchronized (this) {
            upstream = null;
        }
        failAll(cause);
    }

    private void failAll(StoreException cause) {
        for (Registration r : registrations) {
            dispatch(() -> r.end(cause));
        }
    }

    private void dispatch(Runnable task) {
        try {
            dispatcher.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: nothing more is delivered
        }
    }

    private final class Registration implements Watch {
        private final String prefix;
        private final WatchListener listener;
        /** Touched on the dispatcher thread only. */
        private long delivered;
        private volatile boolean closed;

        Registration(String prefix, long afterRevision, WatchListener listener) {
            this.prefix = prefix;
            this.delivered = afterRevision;
            this.listener = listener;
        }

        void deliver(StoreLog log) {
            StoreLog.Spec spec = log.getSpec();
            if (closed || spec.revision() <= delivered) {
                return;
            }
            if (spec.compacted() > delivered) {
                end(new StoreException(Kind.COMPACTED, "the store log keeps the changes after revision "
                        + spec.compacted() + ", this watch needs those after " + delivered
                        + "; read with range() and watch from its revision"));
                return;
            }
            for (Change c : spec.changes()) {
                if (closed) {
                    return;
                }
                if (c.writes() && c.revision() > delivered) {
                    List<WatchEvent> events = c.events(prefix);
                    if (!events.isEmpty()) {
                        call(() -> listener.onEvents(events));
                    }
                }
            }
            delivered = spec.revision();
        }

        /** Reports {@code cause} once, unless the caller closed the watch. */
        void end(StoreException cause) {
            if (!closed) {
                close();
                call(() -> listener.failed(cause));
            }
        }

        @Override
        public void close() {
            closed = true;
            registrations.remove(this);
        }

        private void call(Runnable delivery) {
            try {
                delivery.run();
            } catch (RuntimeException e) {
                // One listener's bug must not stop the others' events.
                LOG.log(Level.WARNING, "watch listener on " + prefix + " threw", e);
            }
        }
    }
}
