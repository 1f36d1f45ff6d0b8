package dev.podnet.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A cluster to simulate, as read from a scenario YAML file ({@link ScenarioReader} checks every value). Records only:
 * the reader validates, so that a simulation never starts from a scenario it cannot run.
 *
 * @param duration the measured time
 * @param warmup   time simulated before measuring (nodes present at the start settle; no metric counts it)
 */
public record Scenario(String source, Duration duration, Duration warmup, long seed, Duration sampleEvery, Ec2 ec2,
                       List<NodeGroup> nodeGroups, List<NodeEvent> events, Workload workload) {

    public Scenario {
        nodeGroups = List.copyOf(nodeGroups);
        events = List.copyOf(events);
    }

    public Optional<NodeGroup> group(String name) {
        return nodeGroups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** Nodes of {@code group} that ever exist: the initial count and every later addition. */
    public int nodesEver(NodeGroup group) {
        return group.count() + events.stream().filter(e -> e.group().equals(group.name()) && e.delta() > 0)
                .mapToInt(NodeEvent::delta).sum();
    }

    /**
     * EC2 as the emulator plays it.
     *
     * @param throttleRate  mutating calls per second the account's bucket refills (EC2: 5)
     * @param throttleBurst the bucket's size (EC2: 50)
     * @param eniQuota      ENIs the region may hold (AWS's default quota: 5000; every node's primary ENI counts)
     */
    public record Ec2(Duration callLatency, Duration attachDelay, double throttleRate, int throttleBurst,
                      double describeRate, int describeBurst, int eniQuota) {
        public static final Ec2 DEFAULTS = new Ec2(Duration.ofMillis(150), Duration.ofSeconds(3), 5, 50, 20, 100, 5000);

        /** How long a node waits from "pool empty" to a usable address on a new ENI: create, attach, assign, attach delay. */
        public Duration attachRefill() {
            return callLatency.multipliedBy(3).plus(attachDelay);
        }
    }

    public record NodeGroup(String name, String instanceType, int count, String zone, String subnet) {
    }

    /** {@code delta} nodes of {@code group} join (positive) or leave (negative) at {@code at}. */
    public record NodeEvent(Duration at, String group, int delta) {
    }

    /**
     * Pods per node.
     *
     * @param arrivalsPerHour Poisson arrivals per node and hour; empty = each node's from its fill by Little's law
     *                        (fill x max pods / mean lifetime), so that it stays about as full as it started
     * @param fillMin         a joining node starts with between fillMin and fillMax of its max pods, all arriving at once
     */
    public record Workload(Optional<Double> arrivalsPerHour, double fillMin, double fillMax, Lifetime lifetime,
                           List<Burst> bursts, Optional<Diurnal> diurnal) {
        public Workload {
            bursts = List.copyOf(bursts);
        }
    }

    /** How long a pod runs once it has an address. */
    public sealed interface Lifetime {
        Duration mean();

        record Exponential(Duration mean) implements Lifetime {
        }

        record Fixed(Duration mean) implements Lifetime {
        }

        record Uniform(Duration min, Duration max) implements Lifetime {
            public Duration mean() {
                return min.plus(max).dividedBy(2);
            }
        }
    }

    /**
     * A day's curve on the arrival rate: rate x (1 + amplitude x cos(2 pi (t - peakAt) / 24 h)), so the mean stays
     * the rate and the peak is (1 + amplitude) of it at {@code peakAt} (time since the start of the run, modulo a day).
     */
    public record Diurnal(double amplitude, Duration peakAt) {
        double factor(long millis) {
            double day = 86_400_000.0;
            return 1 + amplitude * Math.cos(2 * Math.PI * (millis - peakAt.toMillis()) / day);
        }
    }

    /** {@code pods} more pods on every node of {@code group} (every node when empty) at {@code at}. */
    public record Burst(Duration at, int pods, Optional<String> group) {
    }
}
