package dev.podnet.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.store.Await;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.ClusterStoreContract;
import dev.podnet.store.KeyValue;
import dev.podnet.store.RecordingListener;
import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import dev.podnet.store.Watch;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract against a real etcd. One etcd serves the class; each test's store works in a namespace of its own, so
 * it looks empty, and the contract revokes its leases afterwards, so no expiry lands in the next test's revisions.
 */
class EtcdStoreContractTest extends ClusterStoreContract {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @Override
    protected ClusterStore store() {
        return EtcdStore.builder().endpoints(etcd.endpoint()).namespace("/test-" + UUID.randomUUID() + "/").open();
    }

    /** etcd runs on the real clock: wait until {@code d} has really passed. */
    @Override
    protected void advance(Duration d) {
        Instant until = Instant.now().plus(d);
        Await.until(d.toMillis() + " ms to pass", d.plusSeconds(1), () -> !Instant.now().isBefore(until));
    }

    @Test
    void aWatchFromACompactedRevisionFails() throws Exception {
        KeyValue a = store.put("/cmp/a", bytes("a"), 0);
        KeyValue b = store.put("/cmp/b", bytes("b"), 0);
        try (Client raw = Client.builder().endpoints(etcd.endpoint()).build()) {
            raw.getKVClient().compact(b.modRevision()).get(10, TimeUnit.SECONDS);
        }
        RecordingListener events = new RecordingListener();
        StoreException failure;
        try {
            Watch w = store.watch("/cmp/", a.modRevision() - 1, events);
            failure = events.awaitFailure(WAIT);
            w.close();
        } catch (StoreException thrown) {
            failure = thrown;
        }
        assertThat(failure.kind()).as(failure.getMessage()).isEqualTo(Kind.COMPACTED);
        assertThat(events.events()).isEmpty();
    }

    @Test
    void watchEventsArriveOnTheStoresDispatcherThread() {
        long rev = store.range("/thr/").revision();
        RecordingListener events = watch("/thr/", rev);
        store.put("/thr/a", bytes("a"), 0);
        events.awaitEvents(1, WAIT);
        assertThat(events.threads()).containsOnly("podnet-etcd-watch");
    }

    @Test
    void aListenerMayCallTheStore() {
        long rev = store.range("/re/").revision();
        RecordingListener seen = new RecordingListener();
        store.put("/re/trigger", bytes("x"), 0);
        Watch w = store.watch("/re/", rev, new dev.podnet.store.WatchListener() {
            @Override
            public void onEvents(java.util.List<dev.podnet.store.WatchEvent> events) {
                // Calling back into etcd from the listener must not block jetcd's event loop.
                store.put("/echo/" + events.getFirst().kv().key(), bytes("echo"), 0);
                seen.onEvents(events);
            }

            @Override
            public void failed(StoreException cause) {
                seen.failed(cause);
            }
        });
        seen.awaitEvents(1, WAIT);
        Await.until("the echo", WAIT, () -> store.get("/echo//re/trigger").isPresent());
        w.close();
    }
}
