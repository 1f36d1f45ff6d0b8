package dev.podnet.store.etcd;

import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.Keys;
import dev.podnet.store.Lease;
import dev.podnet.store.Range;
import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import dev.podnet.store.Watch;
import dev.podnet.store.WatchListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cluster store over etcd v3 (jetcd). The conditional writes are etcd transactions on the key's create or modify
 * revision, so etcd itself decides the race; each write reads the key back in the same transaction to return its
 * revisions. Every call is bounded by the request timeout and fails with UNAVAILABLE naming the endpoints, so a caller
 * on the pod ADD path never hangs on a dead cluster; the client reconnects by itself, so the same instance works again
 * once etcd is back.
 */
public final class EtcdStore implements ClusterStore {

    private final String endpoints;
    private final Duration requestTimeout;
    private final Client client;
    private final KV kv;
    private final io.etcd.jetcd.Lease leases;
    private final io.etcd.jetcd.Watch watchClient;
    /** One thread delivers every watch's events, in the order etcd sent them, off the gRPC event loop. */
    private final ExecutorService dispatcher;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private EtcdStore(EtcdStoreOptions options) {
        this.endpoints = options.endpoints().toString();
        this.requestTimeout = options.requestTimeout();
        var builder = Client.builder()
                .endpoints(options.endpoints().toArray(URI[]::new))
                .connectTimeout(options.connectTimeout())
                // Fail at once while the channel knows etcd is down instead of queueing until our timeout.
                .waitForReady(false)
                // jetcd retries some failures; keep that inside the time a caller is willing to wait.
                .retryMaxDuration(options.requestTimeout())
                .maxInboundMessageSize(64 << 20);
        if (!options.namespace().isEmpty()) {
            builder.namespace(ByteSequence.from(options.namespace(), StandardCharsets.UTF_8));
        }
        this.client = builder.build();
        this.kv = client.getKVClient();
        this.leases = client.getLeaseClient();
        this.watchClient = client.getWatchClient();
        this.dispatcher = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("podnet-etcd-watch").factory());
    }

    public static EtcdStoreOptions.Builder builder() {
        return EtcdStoreOptions.builder();
    }

    /** Connects lazily: the first call reaches etcd, so opening never fails for an unreachable cluster. */
    public static EtcdStore open(EtcdStoreOptions options) {
        return new EtcdStore(options);
    }

    @Override
    public Optional<KeyValue> get(String key) {
        ByteSequence k = bytes(Keys.requireKey(key));
        GetResponse r = await(kv.get(k), "get " + key);
        return r.getKvs().stream().findFirst().map(EtcdStore::keyValue);
    }

    @Override
    public Range range(String prefix) {
        ByteSequence p = bytes(Keys.requirePrefix(prefix));
        GetOption option = GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND).build();
        GetResponse r = await(kv.get(p, option), "range " + prefix);
        return new Range(r.getKvs().stream().map(EtcdStore::keyValue).toList(), r.getHeader().getRevision());
    }

    @Override
    public KeyValue put(String key, byte[] value, long lease) {
        ByteSequence k = bytes(Keys.requireKey(key));
        TxnResponse r = writeIf(List.of(), k, value, lease, "put " + key);
        return readBack(r, key);
    }

    @Override
    public Optional<KeyValue> createIfAbsent(String key, byte[] value, long lease) {
        ByteSequence k = bytes(Keys.requireKey(key));
        TxnResponse r = writeIf(List.of(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0))), k, value, lease,
                "create " + key);
        return r.isSucceeded() ? Optional.of(readBack(r, key)) : Optional.empty();
    }

    @Override
    public KeyValue putIfRevision(String key, byte[] value, long modRevision, long lease) {
        ByteSequence k = bytes(Keys.requireKey(key));
        Keys.requireModRevision(modRevision);
        TxnResponse r = writeIf(List.of(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision))), k, value,
                lease, "put " + key + " at revision " + modRevision);
        if (!r.isSucceeded()) {
            throw conflict(key, modRevision, r);
        }
        return readBack(r, key);
    }

    @Override
    public void deleteIfRevision(String key, long modRevision) {
        ByteSequence k = bytes(Keys.requireKey(key));
        Keys.requireModRevision(modRevision);
        TxnResponse r = await(kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                .Then(Op.delete(k, DeleteOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(), "delete " + key + " at revision " + modRevision);
        if (!r.isSucceeded()) {
            throw conflict(key, modRevision, r);
        }
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        ByteSequence p = bytes(Keys.requireWatch(prefix, afterRevision, listener));
        requireOpen();
        EtcdWatch watch = new EtcdWatch(prefix, endpoints, listener, dispatcher, EtcdStore::keyValue, watches::remove);
        WatchOption option = WatchOption.builder().isPrefix(true).withRevision(afterRevision + 1)
                .withCreateNotify(true).build();
        watch.started(watchClient.watch(p, option, watch));
        try {
            // Waiting for etcd to confirm the watch makes an unreachable cluster fail here, like every other call.
            await(watch.created, "watch " + prefix);
        } catch (StoreException e) {
            watch.close();
            throw e;
        }
        watches.add(watch);
        return watch;
    }

    @Override
    public Lease grantLease(Duration ttl) {
        long seconds = Keys.requireTtlSeconds(ttl);
        var r = await(leases.grant(seconds), "grant a lease of " + seconds + " s");
        return new Lease(r.getID(), Duration.ofSeconds(r.getTTL()));
    }

    @Override
    public Duration keepAlive(long leaseId) {
        Keys.requireLease(leaseId);
        var r = await(leases.keepAliveOnce(leaseId), "keep lease " + leaseId + " alive");
        if (r.getTTL() <= 0) {
            throw new StoreException(Kind.LEASE_EXPIRED, "lease " + leaseId + " has expired or was revoked");
        }
        return Duration.ofSeconds(r.getTTL());
    }

    @Override
    public void revokeLease(long leaseId) {
        Keys.requireLease(leaseId);
        try {
            await(leases.revoke(leaseId), "revoke lease " + leaseId);
        } catch (StoreException e) {
            if (e.kind() != Kind.LEASE_EXPIRED) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        StoreException cause = new StoreException(Kind.UNAVAILABLE, "the store for etcd at " + endpoints
                + " was closed");
        watches.forEach(w -> w.end(cause));
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }

    private TxnResponse writeIf(List<Cmp> conditions, ByteSequence key, byte[] value, long lease, String what) {
        ByteSequence v = ByteSequence.from(Keys.requireValue(value));
        PutOption put = PutOption.builder().withLeaseId(Keys.requireLease(lease)).build();
        return await(kv.txn()
                .If(conditions.toArray(Cmp[]::new))
                .Then(Op.put(key, v, put), Op.get(key, GetOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit(), what);
    }

    /** The key as the transaction's own get saw it, right after its put. */
    private static KeyValue readBack(TxnResponse r, String key) {
        return r.getGetResponses().getFirst().getKvs().stream().findFirst().map(EtcdStore::keyValue)
                .orElseThrow(() -> new StoreException(Kind.UNAVAILABLE, "etcd did not return " + key
                        + " after writing it"));
    }

    private static StoreException conflict(String key, long expected, TxnResponse r) {
        Optional<KeyValue> current = r.getGetResponses().stream().flatMap(g -> g.getKvs().stream()).findFirst()
                .map(EtcdStore::keyValue);
        return StoreException.conflict(current
                .map(kv -> key + " changed: its mod revision is " + kv.modRevision() + ", expected " + expected)
                .orElse(key + " is gone (expected mod revision " + expected + ")"));
    }

    /** Waits at most the request timeout; a call that does not finish by then is cancelled and UNAVAILABLE. */
    private <T> T await(CompletableFuture<T> future, String what) {
        requireOpen();
        try {
            return future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreException(Kind.UNAVAILABLE, what + ": etcd at " + endpoints + " did not answer within "
                    + requestTimeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw EtcdErrors.map(e.getCause(), what, endpoints);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new StoreException(Kind.UNAVAILABLE, what + ": interrupted while waiting for etcd", e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new StoreException(Kind.UNAVAILABLE, "the store for etcd at " + endpoints + " is closed");
        }
    }

    static KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(), kv.getCreateRevision(),
                kv.getModRevision(), kv.getVersion(), kv.getLease());
    }

    private static ByteSequence bytes(byte[] utf8) {
        return ByteSequence.from(utf8);
    }
}
