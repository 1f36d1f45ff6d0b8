package dev.podnet.sim;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.ipam.warm.PoolAction;
import dev.podnet.ipam.warm.PoolDecision;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.ipam.warm.WarmPoolPlanner;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The thin executor: for each node, asks the policy for targets and the real {@link WarmPoolPlanner} for the next
 * action, then performs it as a chain of EC2 calls on the {@link CloudNetwork} SPI, one at a time as the agent's loop
 * does. Each call reaches the emulator (throttle, limits, state) at the moment it is issued and its answer reaches
 * the node one call latency later, in virtual time; an ENI's addresses serve pods only once its attachment is done.
 * A throttled call is retried after the agent's jittered exponential backoff; any other failure ends the action.
 */
final class NodeDriver {
    private static final long MIN_BACKOFF = 500;
    private static final long MAX_BACKOFF = 60_000;

    private final CloudNetwork cloud;
    private final EventLoop loop;
    private final Policy policy;
    private final Metrics metrics;
    private final long latency;
    private final long attachDelay;
    private final SplittableRandom jitter;

    NodeDriver(CloudNetwork cloud, EventLoop loop, Policy policy, Metrics metrics, Scenario.Ec2 ec2, long seed) {
        this.cloud = cloud;
        this.loop = loop;
        this.policy = policy;
        this.metrics = metrics;
        this.latency = ec2.callLatency().toMillis();
        this.attachDelay = ec2.attachDelay().toMillis();
        this.jitter = new SplittableRandom(seed);
    }

    // ---- pods ----

    void arrive(SimNode node, long lifetime, Batch batch) {
        if (!node.alive) {
            return;
        }
        policy.onArrival(node);
        if (node.running() + node.pending() >= node.limits.maxPods()) {
            metrics.rejected(loop.now());
            if (batch != null) {
                batch.settle(loop.now());
            }
            return;
        }
        node.waiting.add(new SimNode.Waiting(loop.now(), lifetime, batch));
        serve(node);
        plan(node);
    }

    /** Gives waiting pods the free addresses, oldest pod first. */
    private void serve(SimNode node) {
        while (!node.waiting.isEmpty() && !node.free.isEmpty()) {
            SimNode.Waiting w = node.waiting.poll();
            String address = node.assign();
            metrics.started(w.since(), loop.now());
            if (w.batch() != null) {
                w.batch().settle(loop.now());
            }
            long leaves = loop.now() + w.lifetime();
            node.departures.add(leaves);
            loop.at(leaves, () -> depart(node, address, leaves));
        }
    }

    private void depart(SimNode node, String address, long at) {
        if (!node.alive) {
            return;
        }
        node.departures.remove(at);
        node.release(address);
        serve(node);
        plan(node);
    }

    // ---- the control loop ----

    /** One pass of the node's loop, unless an action is in flight or the node backs off. */
    void plan(SimNode node) {
        if (!node.alive || node.busy || loop.now() < node.backoffUntil) {
            return;
        }
        Optional<WarmPoolConfig> targets = policy.targets(node);
        if (targets.isEmpty()) {
            scheduleWake(node);
            return;
        }
        PoolDecision decision = new WarmPoolPlanner(targets.get(), node.limits).plan(node.plannerView());
        if (decision.isSteady()) {
            scheduleWake(node);
            return;
        }
        node.busy = true;
        perform(node, decision.actions().getFirst(), targets.get().prefixMode());
    }

    private void scheduleWake(SimNode node) {
        OptionalLong at = policy.wakeAt(node);
        if (at.isPresent() && at.getAsLong() > loop.now() && at.getAsLong() != node.wakeScheduled) {
            node.wakeScheduled = at.getAsLong();
            loop.at(at.getAsLong(), () -> {
                node.wakeScheduled = Long.MAX_VALUE;
                plan(node);
            });
        }
    }

    private void perform(SimNode node, PoolAction action, boolean prefixMode) {
        switch (action) {
            case PoolAction.AssignSlots(String eniId, int count) -> assign(node, node.eni(eniId), count, prefixMode, 0);
            case PoolAction.AttachEni(int slots) -> attach(node, slots, prefixMode);
            case PoolAction.ReleaseSlots(String eniId, int count) -> unassign(node, node.eni(eniId), count);
            case PoolAction.DetachEni(String eniId) -> detach(node, node.eni(eniId));
        }
    }

    private void assign(SimNode node, SimNode.Eni eni, int count, boolean prefixMode, long readyAt) {
        call(node, () -> prefixMode ? cloud.assignIpv4Prefixes(eni.id, count) : cloud.assignPrivateIpAddresses(eni.id, count),
                texts -> loop.at(Math.max(loop.now(), readyAt), () -> {
                    if (node.alive) {
                        node.addSlots(eni, texts);
                    }
                    done(node);
                }));
    }

    private void attach(SimNode node, int slots, boolean prefixMode) {
        int device = node.freeDevice();
        call(node, () -> cloud.createNetworkInterface(new CreateEni(node.subnetId, List.of(), "podnet-sim",
                        Map.of("podnet.dev/node", node.instanceId))),
                eni -> call(node, () -> cloud.attachNetworkInterface(eni.id(), node.instanceId, device), attachment -> {
                    SimNode.Eni added = new SimNode.Eni(eni.id(), false);
                    added.attachmentId = attachment;
                    added.device = device;
                    node.enis.add(added);
                    // The attachment completes attachDelay after the attach call went out.
                    assign(node, added, slots, prefixMode, loop.now() - latency + attachDelay);
                }));
    }

    private void unassign(SimNode node, SimNode.Eni eni, int count) {
        List<SimNode.Slot> slots = node.takeFreeSlots(eni, count);
        if (slots.isEmpty()) {
            done(node);
            return;
        }
        List<String> texts = slots.stream().map(s -> s.text).toList();
        boolean prefixes = texts.getFirst().contains("/");
        call(node, () -> {
            if (prefixes) {
                cloud.unassignIpv4Prefixes(eni.id, texts);
            } else {
                cloud.unassignPrivateIpAddresses(eni.id, texts);
            }
            return texts;
        }, t -> done(node));
    }

    private void detach(SimNode node, SimNode.Eni eni) {
        if (eni.slots.stream().anyMatch(s -> s.used > 0)) {
            done(node);
            return;
        }
        node.takeFreeSlots(eni, eni.slots.size());
        node.enis.remove(eni);
        call(node, () -> {
            cloud.detachNetworkInterface(eni.attachmentId, false);
            return eni.id;
        }, id -> call(node, () -> {
            cloud.deleteNetworkInterface(id);
            return id;
        }, gone -> done(node)));
    }

    /** The action is over: serve waiting pods from what it brought, and plan again. */
    private void done(SimNode node) {
        node.busy = false;
        node.failures = 0;
        serve(node);
        plan(node);
    }

    /**
     * One EC2 call: it goes when the policy's budget lets it, reaches the emulator then, and its answer comes back one
     * call latency later. Throttled: the same call again after a backoff. Failed otherwise: the action ends.
     */
    private <T> void call(SimNode node, Supplier<T> request, Consumer<T> then) {
        long at = policy.reserveCall(loop.now());
        if (at > loop.now()) {
            loop.at(at, () -> issue(node, request, then));
        } else {
            issue(node, request, then);
        }
    }

    private <T> void issue(SimNode node, Supplier<T> request, Consumer<T> then) {
        if (!node.alive) {
            node.busy = false;
            return;
        }
        T answer;
        try {
            answer = request.get();
        } catch (CloudException e) {
            node.failures++;
            long wait = backoff(node.failures);
            if (e.is(Ec2Error.REQUEST_LIMIT_EXCEEDED)) {
                loop.after(wait, () -> call(node, request, then));
            } else {
                metrics.failed(e.code(), loop.now());
                node.busy = false;
                node.backoffUntil = loop.now() + wait;
                loop.at(node.backoffUntil, () -> plan(node));
            }
            return;
        }
        loop.after(latency, () -> then.accept(answer));
    }

    /** The agent's backoff (WarmPoolLoop): full jitter up to min(60 s, 0.5 s x 2^failures). */
    private long backoff(int failures) {
        long cap = Math.min(MAX_BACKOFF, MIN_BACKOFF << Math.min(failures, 20));
        return MIN_BACKOFF / 2 + jitter.nextLong(Math.max(1, cap));
    }
}
