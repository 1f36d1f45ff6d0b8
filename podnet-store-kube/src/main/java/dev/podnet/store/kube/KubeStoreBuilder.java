package dev.podnet.store.kube;

import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.random.RandomGenerator;

/** Options for {@link KubeStore}; each is checked as it is set. */
public final class KubeStoreBuilder {
    public static final String DEFAULT_NAME = "podnet";
    public static final String DEFAULT_LEASE_NAMESPACE = "kube-system";

    final KubernetesClient client;
    final InstantSource clock;
    String name = DEFAULT_NAME;
    String leaseNamespace = DEFAULT_LEASE_NAMESPACE;
    String holder = "podnet";
    Duration leaseSweepInterval = Duration.ofSeconds(5);
    RandomGenerator random = new SecureRandom();

    KubeStoreBuilder(KubernetesClient client, InstantSource clock) {
        this.client = require(client, "client");
        this.clock = require(clock, "clock");
    }

    /**
     * The store's name: its objects are named and labelled by it, so several stores (clusters, tests) can share one
     * API server. A DNS label of at most 40 characters.
     */
    public KubeStoreBuilder name(String store) {
        try {
            new StoreNames(store);
        } catch (IllegalArgumentException e) {
            throw new StoreException(Kind.INVALID, e.getMessage());
        }
        this.name = store;
        return this;
    }

    /** Where the Lease objects live (Lease is namespaced; the store's other objects are cluster-scoped). */
    public KubeStoreBuilder leaseNamespace(String namespace) {
        if (namespace == null || !namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new StoreException(Kind.INVALID, "not a namespace name: \"" + namespace + "\"");
        }
        this.leaseNamespace = namespace;
        return this;
    }

    /** The holderIdentity of the leases this store grants: the node's name. */
    public KubeStoreBuilder holder(String identity) {
        if (identity == null || identity.isBlank()) {
            throw new StoreException(Kind.INVALID, "the lease holder must not be blank");
        }
        this.holder = identity;
        return this;
    }

    /** How often expired leases are looked for (and ended with their keys). */
    public KubeStoreBuilder leaseSweepInterval(Duration every) {
        if (every == null || every.toMillis() < 1) {
            throw new StoreException(Kind.INVALID, "leaseSweepInterval must be at least 1 ms, got " + every);
        }
        this.leaseSweepInterval = every;
        return this;
    }

    /** Connects lazily: the first call reaches the API server, so opening never fails for an unreachable one. */
    public KubeStore open() {
        return new KubeStore(this);
    }

    private static <T> T require(T value, String name) {
        if (value == null) {
            throw new StoreException(Kind.INVALID, name + " must not be null");
        }
        return value;
    }
}
