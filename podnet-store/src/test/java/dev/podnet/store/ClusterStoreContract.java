package dev.podnet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.store.StoreException.Kind;
import dev.podnet.store.WatchEvent.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ClusterStore} must do, run against each implementation: the embedded store on a virtual clock
 * and etcd for real. Subclasses give a fresh, empty store per test and a way to let lease time pass.
 */
public abstract class ClusterStoreContract {

    /** Bound for anything that arrives on another thread; for embedded it arrives at once. */
    protected static final Duration WAIT = Duration.ofSeconds(10);

    protected ClusterStore store;
    private final List<Long> leases = new ArrayList<>();
    private final List<Watch> watches = new ArrayList<>();

    /** A fresh store that looks empty; the contract closes it after the test. */
    protected abstract ClusterStore store();

    /** Lets {@code d} of lease time pass: moves a virtual clock, or really waits (bounded) for etcd. */
    protected abstract void advance(Duration d);

    @BeforeEach
    void openStore() {
        store = store();
    }

    @AfterEach
    void closeStore() {
        if (store == null) {
            return;
        }
        watches.forEach(Watch::close);
        for (long id : leases) {
            try {
                store.revokeLease(id);   // so that a later test sharing the cluster sees no expiry of ours
            } catch (StoreException e) {
                // already closed by the test
            }
        }
        store.close();
    }

    // --- keys, values and revisions ---

    @Test
    void getReturnsWhatPutStored() {
        assertThat(store.get("/k")).isEmpty();
        KeyValue put = store.put("/k", bytes("v1"), 0);
        assertThat(put.key()).isEqualTo("/k");
        assertThat(put.valueText()).isEqualTo("v1");
        assertThat(put.createRevision()).isEqualTo(put.modRevision());
        assertThat(put.version()).isEqualTo(1);
        assertThat(put.lease()).isZero();
        KeyValue got = store.get("/k").orElseThrow();
        assertThat(got.valueText()).isEqualTo("v1");
        assertThat(got.modRevision()).isEqualTo(put.modRevision());
        assertThat(got.createRevision()).isEqualTo(put.createRevision());
    }

    @Test
    void revisionsIncreaseByOnePerChange() {
        long start = store.range("/r/").revision();
        KeyValue a = store.put("/r/a", bytes("1"), 0);
        KeyValue b = store.put("/r/b", bytes("1"), 0);
        KeyValue a2 = store.putIfRevision("/r/a", bytes("2"), a.modRevision(), 0);
        store.deleteIfRevision("/r/b", b.modRevision());
        assertThat(List.of(a.modRevision(), b.modRevision(), a2.modRevision()))
                .containsExactly(start + 1, start + 2, start + 3);
        assertThat(store.range("/r/").revision()).isEqualTo(start + 4);
    }

    @Test
    void rewritingKeepsTheCreateRevisionAndCountsVersions() {
        KeyValue first = store.put("/v", bytes("1"), 0);
        store.put("/v", bytes("2"), 0);
        KeyValue third = store.put("/v", bytes("3"), 0);
        assertThat(third.createRevision()).isEqualTo(first.createRevision());
        assertThat(third.modRevision()).isEqualTo(first.modRevision() + 2);
        assertThat(third.version()).isEqualTo(3);
    }

    @Test
    void valuesAreCopiedInAndOut() {
        byte[] value = bytes("abc");
        KeyValue put = store.put("/copy", value, 0);
        value[0] = 'X';
        put.value()[1] = 'Y';
        store.get("/copy").orElseThrow().value()[2] = 'Z';
        assertThat(store.get("/copy").orElseThrow().valueText()).isEqualTo("abc");
    }

    // --- compare-and-swap ---

    @Test
    void putIfRevisionReplacesWhenTheRevisionMatches() {
        KeyValue v1 = store.put("/cas", bytes("1"), 0);
        KeyValue v2 = store.putIfRevision("/cas", bytes("2"), v1.modRevision(), 0);
        assertThat(v2.valueText()).isEqualTo("2");
        assertThat(v2.version()).isEqualTo(2);
        assertThat(store.get("/cas").orElseThrow().modRevision()).isEqualTo(v2.modRevision());
    }

    @Test
    void putIfRevisionConflictsWhenTheKeyChanged() {
        KeyValue v1 = store.put("/cas", bytes("1"), 0);
        store.put("/cas", bytes("2"), 0);
        long before = store.range("/cas").revision();
        assertKind(() -> store.putIfRevision("/cas", bytes("3"), v1.modRevision(), 0), Kind.CONFLICT);
        assertThat(store.get("/cas").orElseThrow().valueText()).isEqualTo("2");
        assertThat(store.range("/cas").revision()).as("a lost CAS changes nothing").isEqualTo(before);
    }

    @Test
    void putIfRevisionConflictsWhenTheKeyIsGone() {
        KeyValue v1 = store.put("/gone", bytes("1"), 0);
        store.deleteIfRevision("/gone", v1.modRevision());
        assertKind(() -> store.putIfRevision("/gone", bytes("2"), v1.modRevision(), 0), Kind.CONFLICT);
        assertThat(store.get("/gone")).isEmpty();
    }

    @Test
    void casRaceHasExactlyOneWinner() throws Exception {
        KeyValue base = store.put("/cas-race", bytes("0"), 0);
        List<Optional<StoreException>> results = race(16,
                i -> store.putIfRevision("/cas-race", bytes("w" + i), base.modRevision(), 0));
        assertThat(results.stream().filter(Optional::isEmpty)).hasSize(1);
        assertThat(results.stream().flatMap(Optional::stream)).hasSize(15)
                .allSatisfy(e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
        assertThat(store.get("/cas-race").orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void createIfAbsentCreatesOnlyOnce() {
        assertThat(store.createIfAbsent("/c", bytes("first"), 0)).isPresent();
        assertThat(store.createIfAbsent("/c", bytes("second"), 0)).isEmpty();
        assertThat(store.get("/c").orElseThrow().valueText()).isEqualTo("first");
    }

    @Test
    void createIfAbsentRaceHasExactlyOneWinner() throws Exception {
        List<Optional<KeyValue>> wins = new ArrayList<>();
        List<Optional<StoreException>> errors = race(32, i -> {
            Optional<KeyValue> won = store.createIfAbsent("/race", bytes("thread-" + i), 0);
            synchronized (wins) {
                wins.add(won);
            }
        });
        assertThat(errors).allSatisfy(e -> assertThat(e).isEmpty());
        List<KeyValue> winners = wins.stream().flatMap(Optional::stream).toList();
        assertThat(winners).hasSize(1);
        assertThat(store.get("/race").orElseThrow().valueText()).isEqualTo(winners.getFirst().valueText());
        assertThat(store.get("/race").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void deleteIfRevisionDeletesAtTheCurrentRevision() {
        KeyValue v = store.put("/d", bytes("1"), 0);
        store.deleteIfRevision("/d", v.modRevision());
        assertThat(store.get("/d")).isEmpty();
        assertThat(store.range("/d").revision()).isEqualTo(v.modRevision() + 1);
    }

    @Test
    void deleteIfRevisionConflictsOnAStaleRevisionOrAMissingKey() {
        KeyValue v1 = store.put("/d", bytes("1"), 0);
        KeyValue v2 = store.put("/d", bytes("2"), 0);
        assertKind(() -> store.deleteIfRevision("/d", v1.modRevision()), Kind.CONFLICT);
        assertThat(store.get("/d")).isPresent();
        store.deleteIfRevision("/d", v2.modRevision());
        assertKind(() -> store.deleteIfRevision("/d", v2.modRevision()), Kind.CONFLICT);
    }

    // --- ranges ---

    @Test
    void rangeIsSortedAndPrefixExact() {
        for (String key : List.of("/a/2", "/ab", "/a/10", "/a", "/a/1", "/b/1")) {
            store.put(key, bytes(key), 0);
        }
        Range range = store.range("/a/");
        assertThat(range.kvs()).extracting(KeyValue::key).containsExactly("/a/1", "/a/10", "/a/2");
        assertThat(range.kvs()).extracting(KeyValue::valueText).containsExactly("/a/1", "/a/10", "/a/2");
        assertThat(store.range("/a").kvs()).extracting(KeyValue::key)
                .containsExactly("/a", "/a/1", "/a/10", "/a/2", "/ab");
        assertThat(store.range("/nothing/").kvs()).isEmpty();
    }

    @Test
    void rangeOrdersKeysByTheirUtf8Bytes() {
        // U+FFFD sorts before U+1F600 in UTF-8 and code points, but after it in UTF-16 (String.compareTo).
        store.put("/u/\uD83D\uDE00", bytes("emoji"), 0);
        store.put("/u/\uFFFD", bytes("replacement"), 0);
        store.put("/u/z", bytes("z"), 0);
        assertThat(store.range("/u/").kvs()).extracting(KeyValue::valueText)
                .containsExactly("z", "replacement", "emoji");
    }

    @Test
    void rangeReportsTheRevisionItWasReadAt() {
        KeyValue last = store.put("/x/1", bytes("1"), 0);
        assertThat(store.range("/x/").revision()).isEqualTo(last.modRevision());
        assertThat(store.range("/elsewhere/").revision()).isEqualTo(last.modRevision());
    }

    // --- watches ---

    @Test
    void watchDeliversPutsAndDeletesInRevisionOrder() {
        long rev = store.range("/w/").revision();
        RecordingListener events = watch("/w/", rev);
        store.put("/w/a", bytes("a1"), 0);
        store.put("/w/b", bytes("b1"), 0);
        KeyValue a2 = store.put("/w/a", bytes("a2"), 0);
        store.deleteIfRevision("/w/a", a2.modRevision());
        List<WatchEvent> got = events.awaitEvents(4, WAIT);
        assertThat(got).extracting(WatchEvent::type).containsExactly(Type.PUT, Type.PUT, Type.PUT, Type.DELETE);
        assertThat(got).extracting(e -> e.kv().key()).containsExactly("/w/a", "/w/b", "/w/a", "/w/a");
        assertThat(got).extracting(e -> e.kv().modRevision()).containsExactly(rev + 1, rev + 2, rev + 3, rev + 4);
        assertThat(got.get(2).kv().valueText()).isEqualTo("a2");
        assertThat(got.get(2).kv().version()).isEqualTo(2);
        assertThat(events.failure()).isNull();
    }

    @Test
    void watchReplaysChangesAfterAPastRevision() {
        KeyValue a = store.put("/p/a", bytes("a"), 0);
        store.put("/p/b", bytes("b"), 0);
        store.put("/p/c", bytes("c"), 0);
        RecordingListener events = watch("/p/", a.modRevision());
        store.put("/p/d", bytes("d"), 0);
        assertThat(events.awaitEvents(3, WAIT)).extracting(e -> e.kv().key())
                .containsExactly("/p/b", "/p/c", "/p/d");
    }

    @Test
    void watchSeesOnlyItsPrefix() {
        long rev = store.range("/only/").revision();
        RecordingListener events = watch("/only/", rev);
        store.put("/onlyx", bytes("no"), 0);
        store.put("/other/1", bytes("no"), 0);
        store.put("/only/1", bytes("yes"), 0);
        assertThat(events.awaitEvents(1, WAIT)).extracting(e -> e.kv().key()).containsExactly("/only/1");
        // A later event on the prefix arrives after the skipped ones would have: nothing else slipped in.
        store.put("/only/2", bytes("yes"), 0);
        assertThat(events.awaitEvents(2, WAIT)).extracting(e -> e.kv().key()).containsExactly("/only/1", "/only/2");
    }

    @Test
    void aClosedWatchDeliversNothing() {
        long rev = store.range("/closed/").revision();
        RecordingListener closed = new RecordingListener();
        store.watch("/closed/", rev, closed).close();
        RecordingListener sentinel = watch("/closed/", rev);
        store.put("/closed/a", bytes("a"), 0);
        store.put("/closed/b", bytes("b"), 0);
        sentinel.awaitEvents(2, WAIT);
        assertThat(closed.events()).isEmpty();
        assertThat(closed.failure()).isNull();
    }

    // --- leases ---

    @Test
    void leaseExpiryDeletesItsKeysAndEmitsDeletes() {
        Lease lease = grant(Duration.ofSeconds(1));
        store.put("/l/a", bytes("a"), lease.id());
        store.put("/l/b", bytes("b"), lease.id());
        store.put("/l/keep", bytes("keep"), 0);
        assertThat(store.get("/l/a").orElseThrow().lease()).isEqualTo(lease.id());
        long rev = store.range("/l/").revision();
        RecordingListener events = watch("/l/", rev);
        advance(lease.ttl());
        Await.until("the lease's keys to go", WAIT, () -> store.get("/l/a").isEmpty());
        assertThat(store.get("/l/b")).isEmpty();
        assertThat(store.get("/l/keep")).isPresent();
        List<WatchEvent> got = events.awaitEvents(2, WAIT);
        assertThat(got).extracting(WatchEvent::type).containsExactly(Type.DELETE, Type.DELETE);
        assertThat(got).extracting(e -> e.kv().key()).containsExactlyInAnyOrder("/l/a", "/l/b");
        assertThat(got).extracting(e -> e.kv().modRevision()).as("one revision for the whole lease")
                .containsExactly(rev + 1, rev + 1);
    }

    @Test
    void keepAliveExtendsTheLease() {
        Lease lease = grant(Duration.ofSeconds(2));
        store.put("/ka", bytes("alive"), lease.id());
        advance(lease.ttl().dividedBy(2));
        assertThat(store.keepAlive(lease.id())).isEqualTo(lease.ttl());
        advance(lease.ttl().multipliedBy(7).dividedBy(10));
        // 1.2 TTL after the grant, 0.7 TTL after the keep-alive: still there.
        assertThat(store.get("/ka")).isPresent();
    }

    @Test
    void keepAliveOnAnExpiredLeaseFails() {
        Lease lease = grant(Duration.ofSeconds(1));
        store.put("/exp", bytes("x"), lease.id());
        advance(lease.ttl());
        Await.until("the lease to expire", WAIT, () -> store.get("/exp").isEmpty());
        assertKind(() -> store.keepAlive(lease.id()), Kind.LEASE_EXPIRED);
        assertKind(() -> store.put("/exp", bytes("y"), lease.id()), Kind.LEASE_EXPIRED);
        assertThat(store.get("/exp")).isEmpty();
    }

    @Test
    void revokeDeletesTheLeaseKeysInOneRevision() {
        Lease lease = grant(Duration.ofSeconds(60));
        store.put("/rv/a", bytes("a"), lease.id());
        store.put("/rv/b", bytes("b"), lease.id());
        long rev = store.range("/rv/").revision();
        RecordingListener events = watch("/rv/", rev);
        store.revokeLease(lease.id());
        assertThat(store.range("/rv/").kvs()).isEmpty();
        assertThat(store.range("/rv/").revision()).isEqualTo(rev + 1);
        assertThat(events.awaitEvents(2, WAIT)).extracting(WatchEvent::type).containsExactly(Type.DELETE, Type.DELETE);
        store.revokeLease(lease.id());   // already gone: not an error
        assertKind(() -> store.keepAlive(lease.id()), Kind.LEASE_EXPIRED);
    }

    @Test
    void aKeyRewrittenWithoutItsLeaseOutlivesIt() {
        Lease lease = grant(Duration.ofSeconds(60));
        store.put("/detach", bytes("1"), lease.id());
        KeyValue rewritten = store.put("/detach", bytes("2"), 0);
        assertThat(rewritten.lease()).isZero();
        store.revokeLease(lease.id());
        assertThat(store.get("/detach").orElseThrow().valueText()).isEqualTo("2");
    }

    @Test
    void putWithAnUnknownLeaseFails() {
        assertKind(() -> store.put("/nolease", bytes("x"), 424242424242L), Kind.LEASE_EXPIRED);
        assertKind(() -> store.createIfAbsent("/nolease", bytes("x"), 424242424242L), Kind.LEASE_EXPIRED);
        assertThat(store.get("/nolease")).isEmpty();
    }

    @Test
    void leaseTtlIsGrantedInWholeSecondsRoundedUp() {
        Lease lease = grant(Duration.ofMillis(1500));
        assertThat(lease.ttl().toMillis() % 1000).isZero();
        assertThat(lease.ttl()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(lease.id()).isPositive();
    }

    // --- bad arguments ---

    @Test
    void badKeysAreInvalid() {
        String tooLong = "/" + "k".repeat(Keys.MAX_KEY_BYTES);
        String longest = "/" + "k".repeat(Keys.MAX_KEY_BYTES - 1);
        for (String bad : Arrays.asList("", "/a\0b", tooLong, "/\uD800", null)) {
            assertKind(() -> store.get(bad), Kind.INVALID);
            assertKind(() -> store.put(bad, bytes("v"), 0), Kind.INVALID);
            assertKind(() -> store.createIfAbsent(bad, bytes("v"), 0), Kind.INVALID);
            assertKind(() -> store.range(bad), Kind.INVALID);
            assertKind(() -> store.watch(bad, 0, new RecordingListener()), Kind.INVALID);
        }
        // A 1 KiB key is fine; so is one of 512 two-byte characters, but not 513.
        assertThat(store.put(longest, bytes("v"), 0).key()).isEqualTo(longest);
        assertThat(store.put("\u00e9".repeat(512), bytes("v"), 0).key()).hasSize(512);
        assertKind(() -> store.put("\u00e9".repeat(513), bytes("v"), 0), Kind.INVALID);
    }

    @Test
    void valuesAboveOneMebibyteAreInvalid() {
        assertKind(() -> store.put("/big", new byte[Keys.MAX_VALUE_BYTES + 1], 0), Kind.INVALID);
        assertKind(() -> store.put("/big", null, 0), Kind.INVALID);
        assertThat(store.get("/big")).isEmpty();
        KeyValue max = store.put("/big", new byte[Keys.MAX_VALUE_BYTES], 0);
        assertThat(store.get("/big").orElseThrow().value()).hasSize(Keys.MAX_VALUE_BYTES);
        assertThat(max.version()).isEqualTo(1);
    }

    @Test
    void badArgumentsAreInvalid() {
        KeyValue v = store.put("/arg", bytes("v"), 0);
        assertKind(() -> store.put("/arg", bytes("v"), -1), Kind.INVALID);
        assertKind(() -> store.putIfRevision("/arg", bytes("v"), 0, 0), Kind.INVALID);
        assertKind(() -> store.deleteIfRevision("/arg", -5), Kind.INVALID);
        assertKind(() -> store.grantLease(Duration.ZERO), Kind.INVALID);
        assertKind(() -> store.grantLease(Duration.ofSeconds(-1)), Kind.INVALID);
        assertKind(() -> store.keepAlive(-1), Kind.INVALID);
        assertKind(() -> store.watch("/arg", -1, new RecordingListener()), Kind.INVALID);
        assertThat(store.get("/arg").orElseThrow().modRevision()).isEqualTo(v.modRevision());
    }

    @Test
    void callsAfterCloseAreUnavailable() {
        store.put("/closed", bytes("v"), 0);
        store.close();
        assertKind(() -> store.get("/closed"), Kind.UNAVAILABLE);
        assertKind(() -> store.put("/closed", bytes("v"), 0), Kind.UNAVAILABLE);
        store.close();   // idempotent
    }

    // --- helpers ---

    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    protected static StoreException assertKind(ThrowingCallable call, Kind kind) {
        StoreException[] thrown = new StoreException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
            thrown[0] = e;
        });
        return thrown[0];
    }

    protected Lease grant(Duration ttl) {
        Lease lease = store.grantLease(ttl);
        leases.add(lease.id());
        return lease;
    }

    protected RecordingListener watch(String prefix, long afterRevision) {
        RecordingListener listener = new RecordingListener();
        watches.add(store.watch(prefix, afterRevision, listener));
        return listener;
    }

    interface Task {
        void run(int i);
    }

    /** Runs {@code n} tasks on virtual threads released together; returns each one's StoreException, if any. */
    protected static List<Optional<StoreException>> race(int n, Task task) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<StoreException>>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int id = i;
                futures.add(threads.submit(() -> {
                    go.await();
                    try {
                        task.run(id);
                        return Optional.<StoreException>empty();
                    } catch (StoreException e) {
                        return Optional.of(e);
                    }
                }));
            }
            go.countDown();
            List<Optional<StoreException>> results = new ArrayList<>();
            for (Future<Optional<StoreException>> f : futures) {
                results.add(f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            }
            return results;
        }
    }
}
