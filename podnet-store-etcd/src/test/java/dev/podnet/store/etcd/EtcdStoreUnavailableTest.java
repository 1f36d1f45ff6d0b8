package dev.podnet.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.store.Await;
import dev.podnet.store.KeyValue;
import dev.podnet.store.Lease;
import dev.podnet.store.RecordingListener;
import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** etcd goes away and comes back: every call fails fast meanwhile, and the same store instance recovers. */
class EtcdStoreUnavailableTest {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @Test
    void everyCallFailsFastWhileEtcdIsDownAndTheSameStoreWorksAgainAfter() {
        try (EtcdStore store = EtcdStore.builder().endpoints(etcd.endpoint()).open()) {
            KeyValue a = store.put("/u/a", bytes("1"), 0);
            Lease lease = store.grantLease(Duration.ofSeconds(60));
            RecordingListener events = new RecordingListener();
            store.watch("/u/", a.modRevision(), events);

            etcd.stop();
            Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
            calls.put("get", () -> store.get("/u/a"));
            calls.put("range", () -> store.range("/u/"));
            calls.put("put", () -> store.put("/u/b", bytes("2"), 0));
            calls.put("createIfAbsent", () -> store.createIfAbsent("/u/c", bytes("3"), 0));
            calls.put("putIfRevision", () -> store.putIfRevision("/u/a", bytes("2"), a.modRevision(), 0));
            calls.put("deleteIfRevision", () -> store.deleteIfRevision("/u/a", a.modRevision()));
            calls.put("watch", () -> store.watch("/u/", a.modRevision(), new RecordingListener()));
            calls.put("grantLease", () -> store.grantLease(Duration.ofSeconds(5)));
            calls.put("keepAlive", () -> store.keepAlive(lease.id()));
            calls.put("revokeLease", () -> store.revokeLease(lease.id()));
            calls.forEach((name, call) -> {
                long start = System.nanoTime();
                assertThatThrownBy(call).as(name).isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).as(name + ": " + e.getMessage()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).as(name).contains(etcd.endpoint());
                });
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as(name + " failed fast")
                        .isLessThan(Duration.ofSeconds(3));
            });

            etcd.start();
            Await.until("the same store to reach etcd again", Duration.ofSeconds(30), () -> {
                try {
                    return store.get("/u/a").isPresent();
                } catch (StoreException e) {
                    assertThat(e.kind()).as(e.getMessage()).isEqualTo(Kind.UNAVAILABLE);
                    return false;
                }
            });
            store.put("/u/b", bytes("after"), 0);
            // The watch opened before the outage resumed where it was: it sees the new key, nothing lost or doubled.
            assertThat(events.awaitEvents(1, Duration.ofSeconds(30)))
                    .extracting(e -> e.kv().key()).containsExactly("/u/b");
            assertThat(events.failure()).isNull();
            assertThat(store.keepAlive(lease.id())).isPositive();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
