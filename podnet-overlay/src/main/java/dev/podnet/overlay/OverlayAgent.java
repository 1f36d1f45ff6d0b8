package dev.podnet.overlay;

import dev.podnet.linux.Address;
import dev.podnet.linux.Iproute;
import dev.podnet.linux.Link;
import dev.podnet.net.InvalidInputException;
import dev.podnet.store.ClusterStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.logging.Logger;

/**
 * The overlay on one node: reads flannel's configuration, creates the VXLAN device, leases a subnet, writes
 * subnet.env, programs every other lease from a full read and then as they change (a broken follow means a fresh
 * full read), and keeps the lease alive. Where the leases live is the {@link SubnetRegistry}'s business. All of it runs on one thread, so the kernel is programmed by one
 * writer in the order the store changed. Closing stops the agent and keeps the lease: a restarted node gets its
 * subnet back.
 */
public final class OverlayAgent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OverlayAgent.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /**
     * @param prefix        flannel's etcd prefix
     * @param iface         the underlay interface; the default route's when empty
     * @param publicIp      this node's address for the other nodes; the first IPv4 address of {@code iface} when empty
     * @param netConf       flannel's net-conf.json, stored at {@code <prefix>/config} when the store has none
     * @param maintainEvery how often the lease is checked (renewed when due) and the device and routes re-checked
     */
    public record Settings(String prefix, Optional<String> iface, Optional<String> publicIp, Optional<String> netConf,
                           Path subnetFile, Duration leaseTtl, Duration maintainEvery, boolean ipMasq) {
        public static final String DEFAULT_PREFIX = "/coreos.com/network";

        public static Settings defaults() {
            return new Settings(DEFAULT_PREFIX, Optional.empty(), Optional.empty(), Optional.empty(),
                    SubnetEnv.DEFAULT_PATH, LeaseManager.DEFAULT_TTL, Duration.ofSeconds(30), false);
        }

        public Settings withIface(String name) {
            return new Settings(prefix, Optional.of(name), publicIp, netConf, subnetFile, leaseTtl, maintainEvery, ipMasq);
        }

        public Settings withPublicIp(String ip) {
            return new Settings(prefix, iface, Optional.of(ip), netConf, subnetFile, leaseTtl, maintainEvery, ipMasq);
        }

        public Settings withNetConf(String json) {
            return new Settings(prefix, iface, publicIp, Optional.of(json), subnetFile, leaseTtl, maintainEvery, ipMasq);
        }

        public Settings withPrefix(String p) {
            return new Settings(p, iface, publicIp, netConf, subnetFile, leaseTtl, maintainEvery, ipMasq);
        }

        public Settings withSubnetFile(Path file) {
            return new Settings(prefix, iface, publicIp, netConf, file, leaseTtl, maintainEvery, ipMasq);
        }

        public Settings withMaintainEvery(Duration every) {
            return new Settings(prefix, iface, publicIp, netConf, subnetFile, leaseTtl, every, ipMasq);
        }
    }

    private final SubnetRegistry registry;
    private final Iproute ip;
    private final Settings settings;
    private final ScheduledExecutorService loop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Every lease as last seen, ours included. Touched on the loop thread only. */
    private Collection<SubnetLease> known = List.of();

    private FlannelConfig config;
    private VxlanNetwork network;
    private LeaseAttrs attrs;
    private int mtu;
    private int deviceIndex;
    /** Stops the current follow of the leases; null while a new one is pending. */
    private AutoCloseable following;
    /** Reports of an older follow (one replaced after a failure) are dropped. */
    private long followGeneration;
    private Duration backoff = Duration.ofSeconds(1);
    private volatile SubnetLease current;
    private volatile boolean closing;

    private OverlayAgent(SubnetRegistry registry, Iproute ip, Settings settings) {
        this.registry = registry;
        this.ip = ip;
        this.settings = settings;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "podnet-overlay");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the overlay with flannel's leases in {@code store} (see {@link #start(SubnetRegistry, Iproute, Settings)}). */
    public static OverlayAgent start(ClusterStore store, Iproute ip, Settings settings, InstantSource clock,
                                     RandomGenerator random) {
        return start(new StoreRegistry(store, settings, clock, random), ip, settings);
    }

    /**
     * Starts the overlay: returns once the device exists, the lease is held, subnet.env is written and the other
     * leases are programmed. Errors in any of that are thrown here and leave the agent stopped.
     */
    public static OverlayAgent start(SubnetRegistry registry, Iproute ip, Settings settings) {
        OverlayAgent agent = new OverlayAgent(registry, ip, settings);
        try {
            agent.loop.submit(() -> {
                agent.setUp();
                return null;
            }).get();
        } catch (ExecutionException e) {
            agent.close();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new OverlayException("starting the overlay failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            agent.close();
            Thread.currentThread().interrupt();
            throw new OverlayException("interrupted while starting the overlay", e);
        }
        long every = settings.maintainEvery().toMillis();
        agent.loop.scheduleWithFixedDelay(agent::tick, every, every, TimeUnit.MILLISECONDS);
        return agent;
    }

    /** This node's lease. */
    public SubnetLease lease() {
        return current;
    }

    public FlannelConfig config() {
        return config;
    }

    private void setUp() {
        config = registry.config();
        if (config.ipv6().isPresent()) {
            LOG.warning("the network configuration enables IPv6: podnet overlay leases and routes the IPv4 network only");
        }
        String iface = settings.iface().or(ip::defaultRouteDevice).orElseThrow(() -> new InvalidInputException(
                "no --iface given and no IPv4 default route in " + ip.netns() + " to take the interface from"));
        Link underlay = ip.link(iface).orElseThrow(() -> new InvalidInputException(
                "interface " + iface + " does not exist in " + ip.netns()));
        String publicIp = settings.publicIp().orElseGet(() -> ip.addresses(iface).stream()
                .filter(a -> a.ipv4() && a.scope().equals("global")).map(Address::local).findFirst()
                .orElseThrow(() -> new InvalidInputException(iface + " has no IPv4 address in " + ip.netns()
                        + " to use as the public IP; give --public-ip")));
        mtu = underlay.mtu() - VxlanNetwork.ENCAP_OVERHEAD;
        FlannelConfig.Backend b = config.backend();
        network = new VxlanNetwork(ip, new VxlanNetwork.Device(b.vni(), b.port(), iface, publicIp, b.learning(), b.gbp()));
        Link device = network.ensureDevice(mtu);
        deviceIndex = device.index();
        attrs = LeaseAttrs.vxlan(publicIp, b.vni(), device.mac());
        adopt(registry.acquire(attrs), true);
        resync();
        LOG.info("overlay up in " + ip.netns() + ": " + network.device().name() + " (VNI " + b.vni() + ", MTU " + mtu
                + ", VTEP " + device.mac() + " on " + iface + " " + publicIp + "), subnet " + current.subnet());
    }

    /** Takes {@code lease} as ours: address on the device and subnet.env, when new or when forced. */
    private void adopt(SubnetLease lease, boolean force) {
        boolean changed = current == null || !current.subnet().equals(lease.subnet());
        current = lease;
        if (changed || force) {
            network.assignSubnet(lease.subnet());
            try {
                SubnetEnv.ipv4(config.network(), lease.subnet(), mtu, settings.ipMasq()).write(settings.subnetFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + settings.subnetFile(), e);
            }
        }
    }

    /** A full read of the leases, a reconcile from it, and then their changes as they come. */
    private void resync() {
        stopFollowing();
        long generation = ++followGeneration;
        SubnetRegistry.Following f = registry.follow(new SubnetRegistry.Listener() {
            @Override
            public void leases(Collection<SubnetLease> all) {
                submit(() -> onLeases(generation, all));
            }

            @Override
            public void failed(RuntimeException cause) {
                submit(() -> onFollowFailed(generation, cause));
            }
        });
        following = f.stop();
        onLeases(generation, f.leases());
        backoff = Duration.ofSeconds(1);
    }

    private void onLeases(long generation, Collection<SubnetLease> all) {
        if (generation != followGeneration) {
            return;
        }
        known = all;
        Optional<SubnetLease> ours = all.stream().filter(l -> l.subnet().equals(current.subnet())).findFirst();
        if (ours.isEmpty() || !same(ours.get(), current)) {
            adopt(registry.maintain(attrs), false); // gone, or changed by someone else: look again
        }
        reconcile();
    }

    private static boolean same(SubnetLease a, SubnetLease b) {
        return a.key().equals(b.key()) && a.modRevision() == b.modRevision() && a.storeLease() == b.storeLease()
                && a.attrs().sameValue(b.attrs());
    }

    private void onFollowFailed(long generation, RuntimeException cause) {
        if (generation != followGeneration) {
            return;
        }
        LOG.warning("following the leases ended (" + cause.getMessage() + "); reading all leases again");
        following = null;
        retryResync();
    }

    private void retryResync() {
        try {
            resync();
        } catch (RuntimeException e) {
            LOG.warning("cannot read the leases (" + e.getMessage() + "); trying again in " + backoff);
            Duration wait = backoff;
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            if (!closing) {
                loop.schedule(this::retryResync, wait.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The periodic check: the device is still there and right, the lease is ours and renewed, the routes match. */
    private void tick() {
        try {
            Link device = network.ensureDevice(mtu);
            boolean recreated = device.index() != deviceIndex;
            deviceIndex = device.index();
            attrs = LeaseAttrs.vxlan(attrs.publicIp(), config.backend().vni(), device.mac());
            adopt(registry.maintain(attrs), recreated);
            if (following == null) {
                return; // a resync is pending; it reconciles
            }
            reconcile();
        } catch (RuntimeException e) {
            LOG.warning("overlay maintenance failed, trying again in " + settings.maintainEvery() + ": " + e.getMessage());
        }
    }

    private void reconcile() {
        List<Peer> peers = new ArrayList<>();
        for (SubnetLease l : known) {
            if (l.subnet().equals(current.subnet()) || l.attrs().publicIp().equals(attrs.publicIp())) {
                continue;
            }
            Optional<LeaseAttrs.VxlanData> v = l.attrs().vxlan();
            if (v.isEmpty()) {
                LOG.fine(() -> "not routing " + l.subnet() + ": backend " + l.attrs().backendType() + ", not vxlan");
                continue;
            }
            peers.add(new Peer(l.subnet(), v.get().vtepMac(), l.attrs().publicIp()));
        }
        if (network.reconcile(peers)) {
            LOG.info("routes now: " + peers.stream().map(p -> p.subnet() + " via " + p.publicIp()).toList());
        }
    }

    /** Runs {@code task} on the loop thread; a failure is logged, never kills the loop. */
    private void submit(Runnable task) {
        if (closing) {
            return;
        }
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warning("overlay update failed (the next check retries): " + e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void stopFollowing() {
        if (following != null) {
            try {
                following.close();
            } catch (Exception e) {
                LOG.fine(() -> "stopping the follow: " + e);
            }
            following = null;
        }
    }

    /** Blocks until {@link #close} has run. */
    public void awaitClose() throws InterruptedException {
        stopped.await();
    }

    /** Stops watching and maintaining; the lease, the device and its routes stay (a restart picks them up). */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            loop.submit(this::stopFollowing).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.fine(() -> "stopping the follow: " + e);
        }
        loop.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }
}
