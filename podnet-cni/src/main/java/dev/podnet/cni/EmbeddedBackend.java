package dev.podnet.cni;

import dev.podnet.api.CniEnv;
import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.Pool;
import dev.podnet.ipam.PoolStatus;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Embedded mode, for a single node without an agent (like host-local): the network's state directory under
 * {@code dataDir/name}, held under its lock while its engine is open; every change is journaled and forced to disk
 * before the answer. Where the engine comes from is {@link Engines}': opened for one call (the Java plugin run on
 * its own) or kept open between calls ({@link EmbeddedAgent}).
 */
final class EmbeddedBackend implements Backend {
    /** host-local's default, so a host-local configuration keeps its place on disk (podnet's files differ). */
    static final String DEFAULT_DATA_DIR = "/var/lib/cni/networks";

    /** How a call gets the engine of a state directory, serving the given pool. */
    interface Engines {
        <T> T with(Path stateDir, Pool pool, Function<Ipam, T> action);

        /** Opens the directory for this one call and closes it after. */
        Engines PER_CALL = new Engines() {
            @Override
            public <T> T with(Path stateDir, Pool pool, Function<Ipam, T> action) {
                try (Ipam ipam = Ipam.open(stateDir, List.of(pool), InstantSource.system(), IpamOptions.defaults())) {
                    return action.apply(ipam);
                }
            }
        };
    }

    private final Path stateDir;
    private final String pool;
    private final Engines engines;

    EmbeddedBackend(NetConf conf, Engines engines) {
        this.stateDir = dataDir(conf).resolve(conf.name());
        this.pool = conf.name();
        this.engines = engines;
    }

    static Path dataDir(NetConf conf) {
        return Path.of(conf.ipam().dataDir() != null ? conf.ipam().dataDir() : DEFAULT_DATA_DIR);
    }

    @Override
    public Held add(CniEnv env, NetConf conf) {
        Allocation a = withIpam(conf, ipam -> ipam.allocate(
                IpamBridge.request(env.containerId(), env.ifName(), pool, conf.requestedIps(), env.args())));
        return new Held(IpamBridge.result(a, conf.cniVersion(), conf.ipam().routes()), null);
    }

    @Override
    public void del(CniEnv env, NetConf conf) {
        withIpam(conf, ipam -> ipam.release(AttachmentKey.of(env.containerId(), env.ifName())));
    }

    @Override
    public Held check(CniEnv env, NetConf conf) {
        Held held = held(env, conf).orElseThrow(() -> new CniException(CniException.UNKNOWN_CONTAINER,
                "unknown attachment", "podnet-ipam holds no address for " + env.containerId() + "/" + env.ifName()));
        Checks.sameAddresses(conf.prevResult(), held.result());
        return held;
    }

    @Override
    public Optional<Held> held(CniEnv env, NetConf conf) {
        return withIpam(conf, ipam -> ipam.find(AttachmentKey.of(env.containerId(), env.ifName())))
                .map(a -> new Held(IpamBridge.result(a, conf.cniVersion(), List.of()), null));
    }

    @Override
    public void gc(NetConf conf) {
        Set<AttachmentKey> valid = new HashSet<>();
        conf.validAttachments().forEach(a -> valid.add(AttachmentKey.of(a.containerId(), a.ifName())));
        withIpam(conf, ipam -> ipam.gc(pool, valid));
    }

    @Override
    public void status(NetConf conf) {
        for (PoolStatus p : withIpam(conf, Ipam::poolStatus)) {
            if (p.pool().equals(pool) && (exhausted(p.ipv4()) || exhausted(p.ipv6()))) {
                throw new CniException(CniException.PLUGIN_NOT_AVAILABLE, "no free address",
                        "pool " + pool + " is exhausted");
            }
        }
    }

    /** A configured family (it has addresses) with none free: a dual-stack ADD would fail. */
    private static boolean exhausted(PoolStatus.Counts counts) {
        return counts.total() > 0 && counts.free() == 0;
    }

    private <T> T withIpam(NetConf conf, Function<Ipam, T> action) {
        try {
            return engines.with(stateDir, IpamBridge.pool(pool, conf.ipam()), action);
        } catch (IpamException e) {
            throw IpamBridge.error(e);
        }
    }
}
