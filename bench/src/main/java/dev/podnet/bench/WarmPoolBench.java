package dev.podnet.bench;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.InstanceSpec;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.WorldSpec;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.Pool;
import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.warm.NodeContext;
import dev.podnet.warm.StepOutcome;
import dev.podnet.warm.WarmPool;
import dev.podnet.warm.WarmPoolStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Part 5: 100 pods scheduled at once onto a fresh m5.4xlarge, in virtual time against the VPC emulator with EC2's
 * default throttling, 150 ms per EC2 call and 3 s for an ENI attach. The warm pool runs as the agent runs it (a pass
 * after every action, a 1 s wait when steady or failed, which is also how often the kubelet retries a pod that got
 * CNI error 11). Reports the virtual time until the 100th pod has an address, the EC2 calls made and the addresses
 * the node holds after, for each warm setting; the ratios are to the VPC CNI's default (WARM_ENI_TARGET=1).
 */
public final class WarmPoolBench {
    static final String NODE = "i-0b0000000000000ff";
    static final int PODS = 100;
    static final Duration CALL = Duration.ofMillis(150);
    static final Duration ATTACH = Duration.ofSeconds(3);
    static final Duration TICK = Duration.ofSeconds(1);

    record Row(String name, double seconds, long calls, long throttled, int held, int enis, long prefixes) {
    }

    public static void main(String[] args) throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.add(run("secondary IPs, WARM_ENI_TARGET=1 (VPC CNI default)", WarmPoolConfig.defaults()));
        rows.add(run("secondary IPs, WARM_IP_TARGET=5 MINIMUM_IP_TARGET=10",
                WarmPoolConfig.builder().warmIpTarget(5).minimumIpTarget(10).build()));
        rows.add(run("prefixes, WARM_PREFIX_TARGET=1", WarmPoolConfig.builder().prefixMode(true).build()));
        rows.add(run("prefixes, WARM_IP_TARGET=5 MINIMUM_IP_TARGET=10",
                WarmPoolConfig.builder().prefixMode(true).warmIpTarget(5).minimumIpTarget(10).build()));
        Row base = rows.getFirst();
        System.out.printf("%n5. Warm pool: %d pods at once on a fresh m5.4xlarge (virtual time; %d ms per EC2 call, %d s attach,"
                + " EC2 default throttling)%n%n", PODS, CALL.toMillis(), ATTACH.toSeconds());
        System.out.println("| setting | 100 pods ready | EC2 calls | throttled | addresses held after | ENIs | prefixes "
                + "| time vs default | calls vs default | held vs default |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf("| %s | %.1f s | %d | %d | %d | %d | %d | %.2fx | %.2fx | %.2fx |%n", r.name(), r.seconds(),
                    r.calls(), r.throttled(), r.held(), r.enis(), r.prefixes(), r.seconds() / base.seconds(),
                    (double) r.calls() / base.calls(), (double) r.held() / base.held());
        }
    }

    static Row run(String name, WarmPoolConfig config) throws Exception {
        Path dir = Files.createTempDirectory("pnb-warm");
        VirtualClock clock = new VirtualClock();
        WorldSpec base = DefaultWorld.spec();
        List<InstanceSpec> instances = new ArrayList<>(base.instances());
        instances.add(new InstanceSpec(NODE, "m5.4xlarge", DefaultWorld.NODE_SUBNET_B, List.of()));
        WorldSpec world = new WorldSpec(base.region(), base.vpcs(), base.subnets(), base.securityGroups(), instances);
        VpcEmulator cloud = VpcEmulator.builder(world).clock(clock).sleeper(clock).throttle(ThrottleConfig.EC2_DEFAULT)
                .callLatency(CALL).attachDelay(ATTACH).build();
        int maxPods = config.prefixMode() ? 110 : 234;
        NodeLimits limits = NodeLimits.of(InstanceCatalogue.bundled().get("m5.4xlarge"), config, maxPods);
        try (Ipam ipam = Ipam.open(dir, List.of(Pool.of("vpc", IpRange.of("10.0.32.0/19"))), clock,
                IpamOptions.defaults())) {
            WarmPool pool = new WarmPool(cloud, ipam, "vpc", new NodeContext(NODE, "bench", Optional.empty()), config,
                    limits, dir, new Random(1));
            pool.recover();
            for (int i = 0; i < 50 && !pool.step().isSteady(); i++) {
                // a node joins with its pool already settled
            }
            long callsBefore = cloud.calls().total();
            long throttledBefore = cloud.calls().throttled();
            Instant start = clock.instant();
            List<Integer> pending = new ArrayList<>();
            for (int i = 0; i < PODS; i++) {
                pending.add(i);
            }
            Instant last = start;
            while (!pending.isEmpty()) {
                for (var it = pending.iterator(); it.hasNext(); ) {
                    int pod = it.next();
                    try {
                        pool.allocate(AttachmentKey.of("pod%04d".formatted(pod), "eth0"), List.of());
                        it.remove();
                        last = clock.instant();
                    } catch (IpamException e) {
                        break;
                    }
                }
                StepOutcome o = pool.step();
                if (o.action().isEmpty()) {
                    clock.advance(TICK);
                }
                if (Duration.between(start, clock.instant()).toMinutes() > 60) {
                    throw new IllegalStateException(name + ": pods still waiting after an hour: " + o.reason());
                }
            }
            for (int i = 0; i < 50 && !pool.step().isSteady(); i++) {
                // settle: what the node holds once the burst is served
            }
            WarmPoolStats s = pool.stats();
            return new Row(name, Duration.between(start, last).toMillis() / 1000.0,
                    cloud.calls().total() - callsBefore, cloud.calls().throttled() - throttledBefore,
                    s.held(), s.enis(), s.prefixes());
        }
    }
}
