package dev.podnet.sim;

import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.net.InstanceType;
import inet.ipaddr.IPAddressString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One run of one policy over a scenario, in virtual time: a fresh emulator (EC2 latency is modelled by the
 * {@link NodeDriver}; the emulator itself answers at once, so its throttle and attach delay read the loop's clock),
 * the scenario's nodes, their pods, and the samples. Everything random comes from the scenario's seed and a node's
 * index, so every policy sees the same pods and a run repeats exactly.
 */
public final class Simulation {
    private final Scenario scenario;
    private final Policy policy;
    private final VirtualClock clock = new VirtualClock();
    private final EventLoop loop = new EventLoop(clock);
    private final VpcEmulator cloud;
    private final ClusterWorld world;
    private final Metrics metrics;
    private final NodeDriver driver;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<String, List<SimNode>> waitingToJoin = new HashMap<>();
    private final Map<String, List<SimNode>> joined = new HashMap<>();
    private final Map<Long, Batch> burstBatches = new HashMap<>();
    private final List<Batch> batches = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<String, String> primaryEni = new HashMap<>();
    private final long warmup;
    private final long end;

    public Simulation(Scenario scenario, Policy policy) {
        this.scenario = scenario;
        this.policy = policy;
        this.world = ClusterWorld.of(scenario);
        Scenario.Ec2 ec2 = scenario.ec2();
        this.cloud = VpcEmulator.builder(world.spec()).clock(clock).sleeper(clock)
                .throttle(new ThrottleConfig(new ThrottleConfig.Bucket(ec2.throttleBurst(), ec2.throttleRate()),
                        new ThrottleConfig.Bucket(ec2.describeBurst(), ec2.describeRate())))
                .attachDelay(ec2.attachDelay()).eniQuota(ec2.eniQuota()).seed(scenario.seed()).build();
        this.warmup = scenario.warmup().toMillis();
        this.end = warmup + scenario.duration().toMillis();
        this.metrics = new Metrics(warmup, cloud.calls());
        this.driver = new NodeDriver(cloud, loop, policy, metrics, ec2, scenario.seed());
    }

    public static RunResult run(Scenario scenario, Policy policy) {
        long t0 = System.nanoTime();
        Simulation sim = new Simulation(scenario, policy);
        RunResult raw = sim.execute();
        return raw.withChecks(policy.check(raw), (System.nanoTime() - t0) / 1e9, sim.loop.processed());
    }

    private RunResult execute() {
        for (Instance i : cloud.snapshot().instances()) {
            i.networkInterfaces().stream().filter(e -> e.attachment().map(a -> a.deviceIndex() == 0).orElse(false))
                    .map(NetworkInterface::id).findFirst().ifPresent(id -> primaryEni.put(i.id(), id));
        }
        createNodes();
        for (Scenario.NodeGroup g : scenario.nodeGroups()) {
            if (g.count() > 0) {
                long at = 0;
                loop.at(at, () -> join(g.name(), g.count()));
            }
        }
        for (Scenario.NodeEvent e : scenario.events()) {
            loop.at(e.at().toMillis(), () -> {
                if (e.delta() > 0) {
                    join(e.group(), e.delta());
                } else {
                    leave(e.group(), -e.delta());
                }
            });
        }
        loop.at(warmup, metrics::begin);
        long every = scenario.sampleEvery().toMillis();
        for (long t = warmup; t <= end; t += every) {
            loop.at(t, this::sample);
        }
        loop.runUntil(end);
        return metrics.result(policy.name(), batches, end, violations);
    }

    private void createNodes() {
        InstanceCatalogue catalogue = InstanceCatalogue.bundled();
        WarmPoolConfig base = policy instanceof VpcCniPolicy v ? v.config() : WarmPoolConfig.defaults();
        int index = 0;
        for (Scenario.NodeGroup g : scenario.nodeGroups()) {
            InstanceType type = catalogue.get(g.instanceType());
            int secondaryMax = type.maxEnis() * type.slotsPerEni();
            int maxPods = base.prefixMode() ? Math.min(110, secondaryMax * 16) : secondaryMax;
            NodeLimits limits = NodeLimits.of(type, base, maxPods);
            List<SimNode> group = new ArrayList<>();
            for (String id : world.instancesOfGroup().get(g.name())) {
                SplittableRandom r = new SplittableRandom(scenario.seed() * 1_000_003L + index);
                double fill = scenario.workload().fillMin()
                        + r.nextDouble() * (scenario.workload().fillMax() - scenario.workload().fillMin());
                int initial = (int) Math.round(fill * secondaryMax);
                double meanHours = scenario.workload().lifetime().mean().toMillis() / 3_600_000.0;
                double rate = scenario.workload().arrivalsPerHour().orElse(initial / meanHours);
                SimNode node = new SimNode(index, id, g, world.subnetOfCidr().get(g.subnet()), limits,
                        base.addressesPerSlot(), new PodSource(r.nextLong(), rate, scenario.workload().lifetime(), scenario.workload().diurnal(), 0,
                        burstsFor(g)), loop, violations);
                node.initialPods = initial;
                node.enis.add(new SimNode.Eni(primaryEni.get(id), true));
                group.add(node);
                nodes.add(node);
                index++;
            }
            waitingToJoin.put(g.name(), group);
            joined.put(g.name(), new ArrayList<>());
        }
    }

    private List<long[]> burstsFor(Scenario.NodeGroup g) {
        return scenario.workload().bursts().stream().filter(b -> b.group().map(g.name()::equals).orElse(true))
                .map(b -> new long[] {b.at().toMillis(), b.pods()}).sorted((a, b) -> Long.compare(a[0], b[0])).toList();
    }

    /** {@code count} nodes of the group join now, each bringing its initial pods at once: one scale-up. */
    private void join(String group, int count) {
        List<SimNode> queue = waitingToJoin.get(group);
        Batch batch = new Batch(loop.now());
        batches.add(batch);
        for (int i = 0; i < count && !queue.isEmpty(); i++) {
            SimNode node = queue.removeFirst();
            node.alive = true;
            joined.get(group).add(node);
            batch.remaining += node.initialPods;
            driver.plan(node);
            for (int p = 0; p < node.initialPods; p++) {
                driver.arrive(node, node.pods.initialLifetime(), batch);
            }
            scheduleNextArrival(node);
        }
        if (batch.remaining == 0) {
            batch.doneAt = loop.now();
        }
    }

    /** The group's newest nodes leave with their pods (the emulator keeps their ENIs: it cannot terminate). */
    private void leave(String group, int count) {
        List<SimNode> live = joined.get(group);
        for (int i = 0; i < count && !live.isEmpty(); i++) {
            live.removeLast().terminate();
        }
    }

    private void scheduleNextArrival(SimNode node) {
        PodSource.Arrival next = node.pods.peek();
        if (next == null || next.at() > end) {
            return;
        }
        loop.at(next.at(), () -> {
            if (!node.alive) {
                return;
            }
            PodSource.Arrival a = node.pods.take();
            Batch batch = a.burst() ? burstBatches.computeIfAbsent(a.at(), t -> {
                Batch b = new Batch(t);
                batches.add(b);
                return b;
            }) : null;
            if (batch != null) {
                batch.remaining++;
            }
            driver.arrive(node, a.lifetime(), batch);
            scheduleNextArrival(node);
        });
    }

    private void sample() {
        long running = 0;
        long pending = 0;
        long held = 0;
        long free = 0;
        Map<String, Long> bySubnet = new HashMap<>();
        for (SimNode n : nodes) {
            if (!n.alive) {
                continue;
            }
            int h = n.held();
            running += n.running();
            pending += n.pending();
            held += h;
            free += n.free();
            // The node's own address uses the subnet too.
            bySubnet.merge(n.group.subnet(), h + 1L, Long::sum);
        }
        double peak = 0;
        long peakAddresses = 0;
        for (Map.Entry<String, Long> e : bySubnet.entrySet()) {
            int bits = 32 - new IPAddressString(e.getKey()).getNetworkPrefixLength();
            double used = e.getValue() / (double) ((1L << bits) - 5);
            if (used > peak) {
                peak = used;
                peakAddresses = e.getValue();
            }
        }
        metrics.sample(loop.now(), running, pending, held, free, peak, peakAddresses);
    }

    /** The virtual time the run covers, warmup included. */
    public Duration simulated() {
        return Duration.ofMillis(end);
    }
}
