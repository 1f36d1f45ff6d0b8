package dev.podnet.store;

import java.util.List;

/** Receives a watch's events in revision order, one batch per store revision or more. */
public interface WatchListener {
    void onEvents(List<WatchEvent> events);

    /** The watch ended: the store became unavailable or the revisions were compacted away. No call follows. */
    void failed(StoreException cause);
}
