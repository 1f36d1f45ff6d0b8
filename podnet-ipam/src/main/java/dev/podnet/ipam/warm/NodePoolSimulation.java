package dev.podnet.ipam.warm;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the warm-pool planner against an in-memory node, as the subnet calculator and the simulator need:
 * pods arrive one at a time on a fresh node and the planner's actions are applied until it is steady again.
 * The end state is what a real node with these settings holds after scaling up to that many pods.
 */
public final class NodePoolSimulation {
    private static final int MAX_ACTIONS_PER_STEP = 10_000;

    private final WarmPoolConfig config;
    private final NodeLimits limits;
    private final WarmPoolPlanner planner;
    private final List<EniState> enis = new ArrayList<>();
    private int cloudCalls;

    public NodePoolSimulation(WarmPoolConfig config, NodeLimits limits) {
        this.config = config;
        this.limits = limits;
        this.planner = new WarmPoolPlanner(config, limits);
        enis.add(new EniState("eni-0", true, List.of()));
    }

    /** A fresh node scaled up to {@code pods} pods (or as many as fit). */
    public static NodeFootprint scaleUp(WarmPoolConfig config, NodeLimits limits, int pods) {
        NodePoolSimulation node = new NodePoolSimulation(config, limits);
        node.settle();
        int placed = 0;
        while (placed < pods && node.addPod()) {
            placed++;
            node.settle();
        }
        return node.footprint(placed, pods);
    }

    /** Applies the planner's actions until it is steady. */
    public void settle() {
        for (int i = 0; i < MAX_ACTIONS_PER_STEP; i++) {
            PoolDecision decision = planner.plan(enis);
            if (decision.isSteady()) {
                return;
            }
            decision.actions().forEach(this::apply);
        }
        throw new IllegalStateException("warm pool did not settle after " + MAX_ACTIONS_PER_STEP + " actions: " + enis);
    }

    /** Gives a pod the first free address, in ENI and slot order; false when the pool has none. */
    public boolean addPod() {
        for (int e = 0; e < enis.size(); e++) {
            EniState eni = enis.get(e);
            List<Integer> used = eni.usedPerSlot();
            for (int s = 0; s < used.size(); s++) {
                if (used.get(s) < config.addressesPerSlot()) {
                    List<Integer> next = new ArrayList<>(used);
                    next.set(s, used.get(s) + 1);
                    enis.set(e, new EniState(eni.id(), eni.primary(), next));
                    return true;
                }
            }
        }
        return false;
    }

    private void apply(PoolAction action) {
        cloudCalls++;
        switch (action) {
            case PoolAction.AssignSlots(String id, int count) -> replace(id, grow(find(id).usedPerSlot(), count));
            case PoolAction.AttachEni(int slots) -> enis.add(new EniState("eni-" + enis.size(), false, grow(List.of(), slots)));
            case PoolAction.ReleaseSlots(String id, int count) -> replace(id, dropFree(find(id).usedPerSlot(), count));
            case PoolAction.DetachEni(String id) -> enis.remove(find(id));
        }
    }

    private EniState find(String id) {
        return enis.stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalStateException("planner named unknown ENI " + id));
    }

    private void replace(String id, List<Integer> usedPerSlot) {
        EniState old = find(id);
        enis.set(enis.indexOf(old), new EniState(id, old.primary(), usedPerSlot));
    }

    private static List<Integer> grow(List<Integer> used, int count) {
        List<Integer> next = new ArrayList<>(used);
        for (int i = 0; i < count; i++) {
            next.add(0);
        }
        return next;
    }

    private static List<Integer> dropFree(List<Integer> used, int count) {
        List<Integer> next = new ArrayList<>(used);
        for (int i = next.size() - 1; i >= 0 && count > 0; i--) {
            if (next.get(i) == 0) {
                next.remove(i);
                count--;
            }
        }
        return next;
    }

    private NodeFootprint footprint(int placed, int wanted) {
        return new NodeFootprint(List.copyOf(enis), placed, wanted, PoolStats.of(enis, config), cloudCalls,
                config.customNetworking(), config.addressesPerSlot());
    }
}
