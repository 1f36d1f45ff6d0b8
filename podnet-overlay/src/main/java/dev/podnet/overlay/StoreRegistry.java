package dev.podnet.overlay;

import dev.podnet.net.InvalidInputException;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.Range;
import dev.podnet.store.StoreException;
import dev.podnet.store.Watch;
import dev.podnet.store.WatchEvent;
import dev.podnet.store.WatchListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * The leases as flannel keeps them in etcd: {@code <prefix>/config} and one key per subnet under
 * {@code <prefix>/subnets/}, in any {@link ClusterStore}. This node's lease is the {@link LeaseManager}'s; the others
 * are a full read and then a watch from the revision it was read at.
 */
public final class StoreRegistry implements SubnetRegistry {
    private static final Logger LOG = Logger.getLogger(StoreRegistry.class.getName());

    private final ClusterStore store;
    private final String prefix;
    private final Optional<String> netConf;
    private final Duration ttl;
    private final InstantSource clock;
    private final RandomGenerator random;
    private LeaseManager leases;

    /**
     * The leases under {@code settings.prefix()}, this node's with a store lease of {@code settings.leaseTtl()};
     * {@code settings.netConf()}, flannel's net-conf.json, is stored at {@code <prefix>/config} when the store has
     * none (the first node's wins: all must share one).
     */
    public StoreRegistry(ClusterStore store, OverlayAgent.Settings settings, InstantSource clock, RandomGenerator random) {
        this.store = store;
        this.prefix = settings.prefix();
        this.netConf = settings.netConf();
        this.ttl = settings.leaseTtl();
        this.clock = clock;
        this.random = random;
    }

    @Override
    public FlannelConfig config() {
        String configKey = SubnetLease.configKey(prefix);
        netConf.ifPresent(json -> publish(configKey, json));
        KeyValue cfg = store.get(configKey).orElseThrow(() -> new InvalidInputException("no flannel configuration at "
                + configKey + "; give --net-conf FILE, or write one first, e.g. etcdctl put " + configKey
                + " '{\"Network\":\"10.5.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}'"));
        FlannelConfig config = FlannelConfig.parse(cfg.valueText(), configKey);
        leases = new LeaseManager(store, prefix, config, ttl, clock, random);
        return config;
    }

    @Override
    public SubnetLease acquire(LeaseAttrs attrs) {
        return leases.acquire(attrs);
    }

    @Override
    public SubnetLease maintain(LeaseAttrs attrs) {
        return leases.maintain(attrs);
    }

    @Override
    public Following follow(Listener listener) {
        String base = SubnetLease.subnetsPrefix(prefix);
        Range range = store.range(base);
        Map<String, SubnetLease> known = new TreeMap<>(); // touched by the store's watch thread after this method
        for (KeyValue kv : range.kvs()) {
            remember(known, kv);
        }
        List<SubnetLease> first = List.copyOf(known.values());
        Watch watch = store.watch(base, range.revision(), new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                for (WatchEvent e : events) {
                    if (e.type() == WatchEvent.Type.DELETE) {
                        known.remove(e.kv().key());
                    } else {
                        remember(known, e.kv());
                    }
                }
                listener.leases(List.copyOf(known.values()));
            }

            @Override
            public void failed(StoreException cause) {
                listener.failed(cause);
            }
        });
        return new Following(first, watch::close);
    }

    private void remember(Map<String, SubnetLease> known, KeyValue kv) {
        try {
            known.put(kv.key(), SubnetLease.from(prefix, kv));
        } catch (InvalidInputException e) {
            known.remove(kv.key());
            LOG.warning("ignoring a malformed lease: " + e.getMessage());
        }
    }

    /** Stores the network configuration unless there is one: the first node's wins, as all must share it. */
    private void publish(String configKey, String json) {
        FlannelConfig.parse(json, "--net-conf");
        Optional<KeyValue> stored = store.get(configKey);
        if (stored.isEmpty() && store.createIfAbsent(configKey, json.getBytes(StandardCharsets.UTF_8), 0).isPresent()) {
            LOG.info("stored the network configuration at " + configKey);
        } else if (stored.isPresent() && !stored.get().valueText().strip().equals(json.strip())) {
            LOG.warning("the network configuration at " + configKey + " differs from --net-conf; the stored one is "
                    + "used: " + stored.get().valueText());
        }
    }
}
