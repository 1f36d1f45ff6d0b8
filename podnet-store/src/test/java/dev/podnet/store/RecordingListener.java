package dev.podnet.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects a watch's events and its failure, and waits for them with a deadline. */
public final class RecordingListener implements WatchListener {

    private final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private volatile StoreException failure;

    @Override
    public void onEvents(List<WatchEvent> batch) {
        threads.add(Thread.currentThread().getName());
        events.addAll(batch);
    }

    @Override
    public void failed(StoreException cause) {
        failure = cause;
    }

    public List<WatchEvent> events() {
        return List.copyOf(events);
    }

    public StoreException failure() {
        return failure;
    }

    /** Names of the threads that delivered each batch. */
    public List<String> threads() {
        return List.copyOf(threads);
    }

    /** Waits until at least {@code n} events arrived; returns all of them. */
    public List<WatchEvent> awaitEvents(int n, Duration within) {
        Await.until(n + " watch events (have " + events.size() + ": " + events + ")", within,
                () -> events.size() >= n || failure != null);
        if (events.size() < n) {
            throw new AssertionError("the watch failed before " + n + " events: " + failure, failure);
        }
        return events();
    }

    public StoreException awaitFailure(Duration within) {
        Await.until("the watch to fail", within, () -> failure != null);
        return failure;
    }
}
