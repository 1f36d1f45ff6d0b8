package dev.podnet.warm;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.WorldSpec;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.Pool;
import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InstanceCatalogue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One emulated node for the tests: an emulator in virtual time, the instance's IPAM engine in a temp directory, and
 * its warm pool. {@link #reopen()} is a restart of the agent (same directory, same cloud).
 */
final class Node implements AutoCloseable {
    static final String POOL = "vpc";

    final VirtualClock clock = new VirtualClock();
    final VpcEmulator cloud;
    final Path dir;
    final String instanceId;
    final String type;
    final WarmPoolConfig config;
    final int maxPods;
    final Optional<EniConfigSource> eniConfigs;
    final List<String> subnets;
    Ipam ipam;
    WarmPool pool;

    Node(Path dir, String instanceId, String type, WarmPoolConfig config, int maxPods,
         Optional<EniConfigSource> eniConfigs, List<String> subnets, ThrottleConfig throttle) {
        this(dir, DefaultWorld.spec(), instanceId, type, config, maxPods, eniConfigs, subnets, throttle);
    }

    Node(Path dir, WorldSpec world, String instanceId, String type, WarmPoolConfig config, int maxPods,
         Optional<EniConfigSource> eniConfigs, List<String> subnets, ThrottleConfig throttle) {
        this.dir = dir;
        this.instanceId = instanceId;
        this.type = type;
        this.config = config;
        this.maxPods = maxPods;
        this.eniConfigs = eniConfigs;
        this.subnets = subnets;
        this.cloud = VpcEmulator.builder(world).clock(clock).sleeper(clock).throttle(throttle).build();
        open();
    }

    /** m5.large in us-east-1a's node subnet, no throttling. */
    static Node m5large(Path dir, WarmPoolConfig config) {
        return new Node(dir, DefaultWorld.INSTANCE_M5_LARGE, "m5.large", config, 29, Optional.empty(),
                List.of("10.0.0.0/19"), ThrottleConfig.UNLIMITED);
    }

    private void open() {
        ipam = Ipam.open(dir.resolve("ipam"), List.of(Pool.of(POOL, subnets.stream().map(IpRange::of)
                .toArray(IpRange[]::new))), clock, IpamOptions.defaults());
        NodeLimits limits = NodeLimits.of(InstanceCatalogue.bundled().get(type), config, maxPods);
        pool = new WarmPool(cloud, ipam, POOL, new NodeContext(instanceId, "test", eniConfigs), config, limits,
                dir, new Random(7));
        pool.recover();
    }

    void reopen() {
        ipam.close();
        open();
    }

    /** Runs passes until the planner is steady; fails the test if it never is. */
    List<StepOutcome> settle() {
        List<StepOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            StepOutcome o = pool.step();
            outcomes.add(o);
            if (o.isSteady()) {
                return outcomes;
            }
            if (o.failure().isPresent()) {
                throw new AssertionError("warm pool pass failed: " + o.reason());
            }
        }
        throw new AssertionError("warm pool did not settle: " + outcomes.getLast());
    }

    Allocation add(int pod) {
        return pool.allocate(key(pod), List.of());
    }

    static AttachmentKey key(int pod) {
        return AttachmentKey.of(String.format("pod%04d", pod), "eth0");
    }

    void advance(Duration d) {
        clock.advance(d);
    }

    @Override
    public void close() {
        ipam.close();
    }
}
