package dev.podnet.store.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.kube.KubeMock;
import dev.podnet.store.Await;
import dev.podnet.store.KeyValue;
import dev.podnet.store.Lease;
import dev.podnet.store.ManualClock;
import dev.podnet.store.RecordingListener;
import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import dev.podnet.store.Watch;
import dev.podnet.store.WatchEvent;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What only the API-server store has: its objects as kubectl sees them, and several stores sharing them. */
class KubeStoreTest {
    @RegisterExtension
    static final KubeMock KUBE = new KubeMock();
    private static final AtomicInteger STORES = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final String name = "kst-" + STORES.incrementAndGet();
    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final KubernetesClient raw = KUBE.client();
    /** A client as podnet's: the store's parts used on their own here are held to podnet's RBAC like the store. */
    private final KubernetesClient podnet = KUBE.podnetClient();
    private final KubeStore store = open(clock, "node-a");

    private KubeStore open(ManualClock c, String holder) {
        return KubeStore.builder(KUBE.podnetClient(), c).name(name).holder(holder).leaseSweepInterval(Duration.ofMillis(50))
                .open();
    }

    @AfterEach
    void close() {
        store.close();
        raw.close();
        podnet.close();
    }

    @Test
    void keysAndLeasesAreObjectsKubectlCanRead() {
        Lease lease = store.grantLease(Duration.ofSeconds(30));
        String key = "/coreos.com/network/subnets/10.5.52.0-24";
        KeyValue kv = store.put(key, bytes("{\"PublicIP\":\"192.168.77.1\"}"), lease.id());

        GenericKubernetesResource entry = raw.genericKubernetesResources(context(StoreEntry.class))
                .withName(name + "-coreos-com-network-subnets-10-5-52-0-24-" + hashOf(key)).get();
        assertThat(entry).as("StoreEntry object").isNotNull();
        Map<String, Object> spec = spec(entry);
        assertThat(spec).containsEntry("key", key).containsEntry("deleted", false)
                .containsEntry("value", java.util.Base64.getEncoder().encodeToString(bytes("{\"PublicIP\":\"192.168.77.1\"}")));
        assertThat(((Number) spec.get("modRevision")).longValue()).isEqualTo(kv.modRevision());
        assertThat(entry.getMetadata().getLabels()).containsEntry("podnet.dev/store", name)
                .containsEntry("podnet.dev/lease", Long.toString(lease.id()));

        GenericKubernetesResource log = raw.genericKubernetesResources(context(StoreLog.class)).withName(name).get();
        assertThat(((Number) spec(log).get("revision")).longValue()).isEqualTo(kv.modRevision());

        var l = raw.leases().inNamespace("kube-system").withName(name + "-lease-" + lease.id()).get();
        assertThat(l.getSpec().getHolderIdentity()).isEqualTo("node-a");
        assertThat(l.getSpec().getLeaseDurationSeconds()).isEqualTo(30);
        assertThat(l.getSpec().getRenewTime().toInstant()).isEqualTo(clock.instant());
        clock.advance(Duration.ofSeconds(10));
        assertThat(store.keepAlive(lease.id())).isEqualTo(Duration.ofSeconds(30));
        l = raw.leases().inNamespace("kube-system").withName(name + "-lease-" + lease.id()).get();
        assertThat(l.getSpec().getRenewTime().toInstant()).isEqualTo(clock.instant());
    }

    @Test
    void aChangeCommittedByAWriterThatDiedIsSeenAndAppliedByTheNextOne() {
        KeyValue a = store.put("/w/a", bytes("1"), 0);
        // A writer commits revision a+1 (a rewrites /w/a, and /w/new appears) and dies before applying it.
        StoreNames names = new StoreNames(name);
        RevisionLog log = new RevisionLog(podnet, names, new KubeErrors(KUBE.url()));
        StoreLog read = log.read();
        long next = read.revision() + 1;
        assertThat(log.append(read, new Change(next, List.of(
                new Change.Op("/w/a", false, bytes("2"), a.createRevision(), 2, 0),
                new Change.Op("/w/new", false, bytes("n"), next, 1, 0)), 0))).isTrue();
        Entries entries = new Entries(podnet, names, new KubeErrors(KUBE.url()));
        assertThat(entries.get("/w/new")).as("not applied").isEmpty();

        assertThat(store.get("/w/a").orElseThrow().valueText()).isEqualTo("2");
        assertThat(store.get("/w/a").orElseThrow().modRevision()).isEqualTo(next);
        assertThat(store.range("/w/").kvs()).extracting(KeyValue::key, KeyValue::valueText)
                .containsExactly(org.assertj.core.api.Assertions.tuple("/w/a", "2"),
                        org.assertj.core.api.Assertions.tuple("/w/new", "n"));
        assertThat(store.range("/w/").revision()).isEqualTo(next);

        KeyValue b = store.put("/w/b", bytes("b"), 0);
        assertThat(b.modRevision()).isEqualTo(next + 1);
        assertThat(entries.get("/w/new").orElseThrow().getSpec().modRevision()).as("applied by the next writer")
                .isEqualTo(next);
        assertThat(entries.get("/w/a").orElseThrow().keyValue().version()).isEqualTo(2);
    }

    @Test
    void storesOfOneNameShareKeysWatchesAndLeasesAndAnyOfThemEndsAnExpiredLease() {
        ManualClock otherClock = new ManualClock(clock.instant());
        try (KubeStore other = open(otherClock, "node-b")) {
            Lease lease = store.grantLease(Duration.ofSeconds(10));
            store.put("/s/leased", bytes("x"), lease.id());
            RecordingListener seenByOther = new RecordingListener();
            Watch w = other.watch("/s/", other.range("/s/").revision(), seenByOther);
            store.put("/s/plain", bytes("y"), 0);
            assertThat(seenByOther.awaitEvents(1, WAIT).getFirst().kv().key()).isEqualTo("/s/plain");

            otherClock.advance(Duration.ofSeconds(10)); // node-a's clock stands still: node-b's sweep ends it
            List<WatchEvent> got = seenByOther.awaitEvents(2, WAIT);
            assertThat(got.get(1).type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(got.get(1).kv().key()).isEqualTo("/s/leased");
            assertThat(store.get("/s/leased")).isEmpty();
            assertThatThrownBy(() -> store.keepAlive(lease.id())).isInstanceOfSatisfying(StoreException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.LEASE_EXPIRED));
            assertThat(raw.leases().inNamespace("kube-system").withName(name + "-lease-" + lease.id()).get()).isNull();
            w.close();
        }
    }

    @Test
    void aWatchFromBeforeTheLogsHistoryIsCompacted() {
        store.put("/c/1", bytes("1"), 0);
        store.put("/c/2", bytes("2"), 0);
        KeyValue third = store.put("/c/3", bytes("3"), 0);
        // The log dropped the first two changes, as it does once it holds more than it may.
        var logs = raw.resources(StoreLog.class);
        StoreLog log = logs.withName(name).get();
        List<Change> kept = log.getSpec().changes().stream().filter(c -> c.revision() > third.modRevision() - 1).toList();
        log.setSpec(new StoreLog.Spec(log.revision(), third.modRevision() - 1, kept));
        logs.resource(log).update();

        assertThatThrownBy(() -> store.watch("/c/", third.modRevision() - 2, new RecordingListener()))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.COMPACTED));
        RecordingListener events = new RecordingListener();
        try (Watch w = store.watch("/c/", third.modRevision() - 1, events)) {
            assertThat(events.awaitEvents(1, WAIT)).extracting(e -> e.kv().key()).containsExactly("/c/3");
        }
    }

    @Test
    void eventsArriveOnTheStoresOwnThreadWhereAListenerMayCallTheStore() {
        long rev = store.range("/re/").revision();
        RecordingListener seen = new RecordingListener();
        Watch w = store.watch("/re/", rev, new dev.podnet.store.WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                store.put("/echo/" + events.getFirst().kv().key(), bytes("echo"), 0);
                seen.onEvents(events);
            }

            @Override
            public void failed(StoreException cause) {
                seen.failed(cause);
            }
        });
        store.put("/re/trigger", bytes("x"), 0);
        seen.awaitEvents(1, WAIT);
        assertThat(seen.threads()).containsOnly("podnet-kube-store-watch");
        Await.until("the echo", WAIT, () -> store.get("/echo//re/trigger").isPresent());
        w.close();
    }

    @Test
    void closingTheStoreEndsItsWatches() {
        RecordingListener events = new RecordingListener();
        store.watch("/end/", 0, events);
        store.close();
        assertThat(events.awaitFailure(WAIT).kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    private static ResourceDefinitionContext context(Class<? extends HasMetadata> type) {
        return ResourceDefinitionContext.fromResourceType(type);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource r) {
        return (Map<String, Object>) r.getAdditionalProperties().get("spec");
    }

    private static String hashOf(String key) {
        String entry = new StoreNames("x").entry(key);
        return entry.substring(entry.length() - 16);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
