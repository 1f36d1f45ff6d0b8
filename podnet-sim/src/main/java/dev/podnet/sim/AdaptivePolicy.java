package dev.podnet.sim;

import dev.podnet.ipam.warm.WarmPoolConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * podnet's policy. Each node keeps free about what arrives while EC2 refills it: its recent arrival rate (an
 * exponentially weighted mean) times the refill latency, plus its recent largest burst (the pods a node is given as it
 * joins are not one), never below a floor: the pods a node must start at once without waiting for EC2. It refills in
 * one batch a few addresses beyond that, more when the node's share of the cluster's call budget needs larger batches
 * (so a steady trickle of pods costs one call per batch, not one per pod, the WARM_IP_TARGET failure of
 * aws/amazon-vpc-cni-k8s#1409), and gives back what stayed beyond that batch for a cooldown: departing pods refill the
 * pool too, so what a burst or a busy hour brought goes back once it is over. Every EC2 call of the cluster goes
 * through one shared {@link CallBudget} set below EC2's bucket, so a join storm queues instead of hitting
 * RequestLimitExceeded (#405).
 *
 * @param floor     free addresses kept at the least
 * @param cooldown  how long addresses must have stayed idle beyond the batch before they go back (ms)
 * @param tau       the time constant of the rate and burst memory (ms)
 */
public final class AdaptivePolicy implements Policy {
    private static final long BURST_WINDOW = 10_000;
    private static final int MIN_BATCH = 3;

    private final String name;
    private final int floor;
    private final long cooldown;
    private final long tau;
    private final long refill;
    private final CallBudget budget;
    private final double budgetPerHour;
    private final java.util.function.IntSupplier nodes;
    private final Map<Integer, Memory> memory = new HashMap<>();

    /**
     * Per node: rate in pods per ms, the burst being counted and the remembered largest, when it last needed its pool
     * (first: when the policy first saw the node, so a node is not shrunk before one cooldown has passed).
     */
    private static final class Memory {
        double rate;
        long lastArrival = -1;
        long burstStart = -1;
        int burstCount;
        double burst;
        long lastNeeded;
        long firstArrival = -1;

        Memory(long now) {
            lastNeeded = now;
        }
        /** A refill put off while the budget's queue serves nodes about to run dry; 0: none. */
        long deferredUntil;
    }

    AdaptivePolicy(String name, PolicyContext context, int floor, long cooldown, long tau, double budgetShare) {
        this.name = name;
        this.floor = floor;
        this.cooldown = cooldown;
        this.tau = tau;
        this.refill = context.refillMillis();
        this.budgetPerHour = context.callsPerSecond() * budgetShare * 3600;
        this.nodes = context.nodes();
        this.budget = context.budgets().create(context.callsPerSecond() * budgetShare,
                Math.floor(context.callBurst() * budgetShare));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void onArrival(NodeView node) {
        Memory m = memory(node);
        long now = node.now();
        if (m.lastArrival >= 0) {
            double decay = Math.exp(-(now - m.lastArrival) / (double) tau);
            m.rate *= decay;
            m.burst *= decay;
        }
        m.rate += 1.0 / tau;
        m.lastArrival = now;
        if (m.burstStart < 0 || now - m.burstStart > BURST_WINDOW) {
            m.burstStart = now;
            m.burstCount = 0;
        }
        m.burstCount++;
        if (m.firstArrival < 0) {
            m.firstArrival = now;
        }
        // The pods a node is given as it joins are the backlog of the scale-up, not a burst to expect again.
        if (now - m.firstArrival > BURST_WINDOW) {
            m.burst = Math.max(m.burst, m.burstCount);
        }
    }

    private Memory memory(NodeView node) {
        return memory.computeIfAbsent(node.index(), i -> new Memory(node.now()));
    }

    int target(NodeView node) {
        Memory m = memory(node);
        double decay = m.lastArrival < 0 ? 1 : Math.exp(-(node.now() - m.lastArrival) / (double) tau);
        double wanted = m.rate * decay * refill + m.burst * decay;
        return Math.min(Math.max(floor, (int) Math.ceil(wanted)), node.limits().maxPods());
    }

    /**
     * Where a refill stops and above which addresses go back after the cooldown: the target plus a batch of at least
     * {@link #MIN_BATCH}, more when the node's share of the cluster's call budget needs larger batches to pay for its
     * churn (about one call to fetch and one to give back per batch of arrivals).
     */
    int high(NodeView node) {
        Memory m = memory(node);
        int low = target(node);
        double decay = m.lastArrival < 0 ? 1 : Math.exp(-(node.now() - m.lastArrival) / (double) tau);
        double perHour = m.rate * decay * 3_600_000;
        double callsPerHour = budgetPerHour / Math.max(1, nodes.getAsInt());
        int batch = (int) Math.ceil(2 * perHour / callsPerHour);
        return Math.min(low + Math.max(MIN_BATCH, batch), node.limits().maxPods()) + node.pending();
    }

    @Override
    public Optional<WarmPoolConfig> targets(NodeView node) {
        Memory m = memory(node);
        int low = target(node);
        int high = high(node);
        if (node.free() <= high) {
            m.lastNeeded = node.now();
        }
        boolean grow = node.pending() > 0 || node.free() < low;
        boolean shrink = node.free() > high && node.now() - m.lastNeeded >= cooldown;
        if (grow && canWait(node, m)) {
            return Optional.empty();
        }
        if (!grow && !shrink) {
            return Optional.empty();
        }
        return Optional.of(WarmPoolConfig.builder().warmEniTarget(0).warmIpTarget(high).minimumIpTarget(0).build());
    }

    /**
     * When the cluster's calls queue (after a burst on every node, say), a node whose free addresses outlast the queue
     * at its arrival rate puts its refill off until the queue is gone, so the nodes about to run dry get the calls
     * first instead of waiting behind those that can wait.
     */
    private boolean canWait(NodeView node, Memory m) {
        if (node.pending() > 0) {
            return false;
        }
        long now = node.now();
        long queue = budget.backlog(now);
        double decay = m.lastArrival < 0 ? 1 : Math.exp(-(now - m.lastArrival) / (double) tau);
        double arriving = m.rate * decay * (queue + refill);
        if (queue <= refill || node.free() <= Math.ceil(arriving) + 1) {
            return false;
        }
        m.deferredUntil = now + queue;
        return true;
    }

    /** Look again when a put-off refill is due, or when the cooldown of a node holding more than it needs runs out. */
    @Override
    public OptionalLong wakeAt(NodeView node) {
        Memory m = memory.get(node.index());
        if (m == null) {
            return OptionalLong.empty();
        }
        if (m.deferredUntil > node.now()) {
            return OptionalLong.of(m.deferredUntil);
        }
        if (node.free() <= high(node)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(m.lastNeeded + cooldown);
    }

    @Override
    public long reserveCall(long now) {
        return budget.reserve(now);
    }

    /** Its promises: the shared budget kept every call under EC2's limit. */
    @Override
    public List<String> check(RunResult result) {
        List<String> broken = new ArrayList<>(result.commonViolations());
        if (result.throttledCalls() > 0) {
            broken.add(result.throttledCalls() + " EC2 calls were throttled though every call went through the shared budget");
        }
        return broken;
    }
}
