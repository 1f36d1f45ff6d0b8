package dev.podnet.store.kube;

import dev.podnet.store.Lease;
import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A store's leases as {@code coordination.k8s.io/v1} Lease objects, as Kubernetes' own components hold theirs: the
 * holder renews {@code renewTime}, and any store may end a lease once {@code renewTime + leaseDurationSeconds} has
 * passed on its clock. Ending one is a change of the store (it deletes the lease's keys); the Lease object goes when
 * that change is applied, never before, so a writer that still finds the object after applying the last change
 * knows that no change has ended it.
 */
final class KubeLeases {
    /** Ids stay exact in JSON tools that read numbers as doubles (jq, JavaScript): 2^53. */
    static final long MAX_ID = 1L << 53;

    private final NonNamespaceOperation<io.fabric8.kubernetes.api.model.coordination.v1.Lease, LeaseList,
            Resource<io.fabric8.kubernetes.api.model.coordination.v1.Lease>> api;
    private final StoreNames names;
    private final String holder;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final KubeErrors errors;

    KubeLeases(KubernetesClient client, String namespace, StoreNames names, String holder, InstantSource clock,
               RandomGenerator random, KubeErrors errors) {
        this.api = client.leases().inNamespace(namespace);
        this.names = names;
        this.holder = holder;
        this.clock = clock;
        this.random = random;
        this.errors = errors;
    }

    Lease grant(long seconds) {
        if (seconds > Integer.MAX_VALUE) {
            throw new StoreException(Kind.INVALID, "a lease TTL may be at most " + Integer.MAX_VALUE
                    + " s on the API server (leaseDurationSeconds is 32-bit), got " + seconds + " s");
        }
        while (true) {
            long id = random.nextLong(1, MAX_ID);
            ZonedDateTime now = now();
            var lease = new io.fabric8.kubernetes.api.model.coordination.v1.Lease();
            ObjectMeta meta = new ObjectMeta();
            meta.setName(names.lease(id));
            meta.setLabels(names.leaseLabels(id));
            lease.setMetadata(meta);
            lease.setSpec(new LeaseSpec(now, holder, (int) seconds, 0, null, now, null));
            if (errors.write("grant a lease of " + seconds + " s", () -> api.resource(lease).create())) {
                return new Lease(id, Duration.ofSeconds(seconds));
            }
            // a 53-bit id taken already: draw another
        }
    }

    /** Renews the lease; LEASE_EXPIRED when it is gone or its time has passed (then only a sweep may end it). */
    Duration keepAlive(long id) {
        while (true) {
            var lease = find(id).filter(l -> !due(l)).orElseThrow(() -> expired(id));
            Duration ttl = Duration.ofSeconds(lease.getSpec().getLeaseDurationSeconds());
            lease.getSpec().setRenewTime(now());
            try {
                if (errors.write("renew lease " + id, () -> api.resource(lease).update())) {
                    return ttl;
                }
            } catch (StoreException e) {
                if (find(id).isEmpty()) {
                    throw expired(id); // ended while we renewed it
                }
                throw e;
            }
        }
    }

    enum State { GONE, LIVE, DUE }

    State state(long id) {
        return find(id).map(l -> due(l) ? State.DUE : State.LIVE).orElse(State.GONE);
    }

    /** The ids of this store's leases whose time has passed. */
    List<Long> due() {
        return errors.call("list the leases", () -> api.withLabels(names.storeLabel()).list().getItems()).stream()
                .filter(this::due).map(l -> l.getMetadata().getLabels().get(StoreNames.LEASE)).filter(Objects::nonNull)
                .map(Long::parseLong).toList();
    }

    /** Deletes the Lease object; part of applying the change that ended it. */
    void delete(long id) {
        errors.call("delete lease " + id, () -> api.withName(names.lease(id)).delete());
    }

    static StoreException expired(long id) {
        return new StoreException(Kind.LEASE_EXPIRED, "lease " + id + " has expired or was revoked");
    }

    private Optional<io.fabric8.kubernetes.api.model.coordination.v1.Lease> find(long id) {
        return Optional.ofNullable(errors.call("read lease " + id, () -> api.withName(names.lease(id)).get()));
    }

    private boolean due(io.fabric8.kubernetes.api.model.coordination.v1.Lease l) {
        LeaseSpec s = l.getSpec();
        if (s == null || s.getRenewTime() == null || s.getLeaseDurationSeconds() == null) {
            return true; // not a lease this store wrote
        }
        Instant expires = s.getRenewTime().toInstant().plusSeconds(s.getLeaseDurationSeconds());
        return !clock.instant().isBefore(expires);
    }

    /** MicroTime: the API server keeps microseconds. */
    private ZonedDateTime now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC);
    }
}
