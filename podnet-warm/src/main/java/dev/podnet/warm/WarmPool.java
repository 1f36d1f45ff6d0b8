package dev.podnet.warm;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.EniFilter;
import dev.podnet.ipam.AddressUse;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AllocationRequest;
import dev.podnet.ipam.AssignedAddress;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.FreeList;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.PodRef;
import dev.podnet.ipam.SuppliedPool;
import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.ipam.warm.PoolAction;
import dev.podnet.ipam.warm.PoolDecision;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.ipam.warm.WarmPoolPlanner;
import inet.ipaddr.IPAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * One node's IPAM pool fed from EC2, as the VPC CNI's ipamd feeds its datastore. Pods get addresses from the free
 * list at once (the engine journals each allocation; no cloud call on that path); {@link #step()} is one pass of the
 * control loop: read the node's ENIs from EC2, ask the pure {@link WarmPoolPlanner} for the next action under the
 * pass's targets (the environment's, or a policy's through {@link WarmTargets}), perform it.
 *
 * <p>Safety rules, each against a known VPC CNI failure: addresses come only from DescribeNetworkInterfaces (never
 * instance metadata) and are re-read before any release; an address goes back to EC2 only when the engine reports it
 * free, which excludes held addresses and those in their quarantine (the engine's journal keeps the quarantine across
 * restarts); ENI create/attach/delete record a {@link PendingOperation} first, so a restart finishes them.
 */
public final class WarmPool implements SuppliedPool {
    private static final System.Logger LOG = System.getLogger(WarmPool.class.getName());

    private final CloudNetwork cloud;
    private final Ipam ipam;
    private final String pool;
    private final NodeContext node;
    /** The environment's: prefix mode and custom networking always, the targets unless a policy sets them. */
    private final WarmPoolConfig config;
    private final WarmTargets targets;
    /** The targets of the last pass. */
    private volatile WarmPoolConfig current;
    private final NodeLimits limits;
    private final PoolExecutor executor;
    private final NodeInterfaces interfaces;
    private final FreeList free = new FreeList();
    /** ADDs that found no free address, until served or deleted: the pods waiting on this node. */
    private final Set<AttachmentKey> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong cloudFailures = new AtomicLong();
    private volatile NodeSupply supply = new NodeSupply(List.of());
    /** The addresses of {@link #supply} on ENIs the node has set up: those that may be free. */
    private volatile Set<IPAddress> usable = Set.of();
    /** The pod addresses of {@link #supply}, looked up on every DEL. */
    private volatile Map<IPAddress, NodeSupply.Slot> slotIndex = Map.of();
    private volatile String lastFailure = "";
    /** Why the pool needs an ENI that custom networking has no ENIConfig for, or empty. */
    private volatile String noEniConfig = "";
    /** Why the last prefix request got single addresses instead, or empty. */
    private volatile String fragmentation = "";
    private volatile Runnable onLow = () -> { };

    public WarmPool(CloudNetwork cloud, Ipam ipam, String pool, NodeContext node, WarmPoolConfig config,
                    NodeLimits limits, Path stateDir, RandomGenerator random) {
        this(cloud, ipam, pool, node, config, limits, stateDir, random, NodeInterfaces.NONE);
    }

    /** @param interfaces sets the node up for each ENI; only the addresses of ENIs it reports ready reach pods */
    public WarmPool(CloudNetwork cloud, Ipam ipam, String pool, NodeContext node, WarmPoolConfig config,
                    NodeLimits limits, Path stateDir, RandomGenerator random, NodeInterfaces interfaces) {
        this(cloud, ipam, pool, node, config, limits, stateDir, random, interfaces, WarmTargets.fixed(config));
    }

    /** @param targets sets the warm targets at each pass and paces the calls that change the node */
    public WarmPool(CloudNetwork cloud, Ipam ipam, String pool, NodeContext node, WarmPoolConfig config,
                    NodeLimits limits, Path stateDir, RandomGenerator random, NodeInterfaces interfaces,
                    WarmTargets targets) {
        this.interfaces = interfaces;
        this.cloud = new PacedCloudNetwork(cloud, targets::beforeCall);
        this.ipam = ipam;
        this.pool = pool;
        this.node = node;
        this.config = config;
        this.current = config;
        this.targets = targets;
        this.limits = limits;
        this.executor = new PoolExecutor(this.cloud, node, new PendingOperation.Store(stateDir), random);
    }

    public String pool() {
        return pool;
    }

    /** Called when an allocation leaves the pool below its target or finds it empty: wakes the loop. */
    public void onLow(Runnable wake) {
        this.onLow = wake;
    }

    /** Start-up: finish an interrupted ENI operation, delete leaked ENIs, adopt what EC2 says the node holds. */
    public void recover() {
        executor.finishPending(readSupply());
        int leaks = executor.deleteLeaks();
        refresh();
        // The IPv4 addresses only: an IPv6 one is the engine's, from the primary ENI's /80, never a slot.
        List<Allocation> orphans = ipam.allocations().stream().filter(a -> a.pool().equals(pool)
                && a.addresses().stream().anyMatch(x -> x.address().isIPv4() && !slotIndex.containsKey(x.address())))
                .toList();
        orphans.forEach(a -> LOG.log(System.Logger.Level.WARNING, "{0} holds {1}, which EC2 no longer assigns to {2}",
                a.key(), a.addresses(), node.instanceId()));
        LOG.log(System.Logger.Level.INFO, "adopted {0} ENIs with {1} pod addresses ({2} free); deleted {3} leaked ENIs",
                supply.enis().size(), supply.podAddresses().size(), free.size(), leaks);
    }

    // ---- the pod path ----

    /** ADD: the attachment's address, from the free list; the same answer for the same attachment. */
    public Allocation allocate(AttachmentKey key, List<IPAddress> requested) {
        return allocate(key, requested, Optional.empty());
    }

    /** As {@link #allocate(AttachmentKey, List)}, recording the Kubernetes pod behind the attachment. */
    @Override
    public Allocation allocate(AttachmentKey key, List<IPAddress> requested, Optional<PodRef> pod) {
        Optional<Allocation> existing = ipam.find(key);
        if (existing.isPresent()) {
            return ipam.allocate(new AllocationRequest(key, pool, requested, pod));
        }
        if (!waiting.contains(key)) {
            targets.arrived(view());
        }
        if (!requested.isEmpty()) {
            IPAddress wanted = requested.getFirst();
            if (!free.take(wanted)) {
                throw new IpamException(IpamException.Reason.CONFLICT, "requested address " + wanted
                        + " is not a free address of this node (EC2 must assign it to one of its ENIs first)");
            }
            return allocateTaken(key, wanted, pod);
        }
        int attempts = free.size();
        for (int i = 0; i < attempts; i++) {
            IPAddress candidate = free.takeOldest();
            if (candidate == null) {
                break;
            }
            try {
                return allocateTaken(key, candidate, pod);
            } catch (IpamException e) {
                if (e.reason() != IpamException.Reason.CONFLICT) {
                    throw e;
                }
                // In quarantine still: its turn comes after the others.
            }
        }
        waiting.add(key);
        onLow.run();
        throw new IpamException(IpamException.Reason.EXHAUSTED, "no free address on " + node.instanceId() + ": "
                + describeShortage());
    }

    /** The address the caller took off the free list, for {@code key}; back on the list if the engine refuses. */
    private Allocation allocateTaken(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
        return allocateTaken(new AllocationRequest(key, pool, List.of(address), pod), address);
    }

    private Allocation allocateTaken(AllocationRequest request, IPAddress address) {
        try {
            Allocation a = ipam.allocate(request);
            waiting.remove(request.key());
            if (free.size() < lowWater()) {
                onLow.run();
            }
            return a;
        } catch (RuntimeException e) {
            giveBack(List.of(address));
            throw e;
        }
    }

    /** DEL: releases the attachment; its addresses rest in quarantine, then serve again. */
    @Override
    public Optional<Allocation> release(AttachmentKey key) {
        waiting.remove(key);
        Optional<Allocation> released = ipam.release(key);
        released.ifPresent(a -> giveBack(addresses(a)));
        return released;
    }

    /**
     * ADD of a pod taking back its own address (a StatefulSet pod's, see the agent's StatefulPods): as a requested
     * ADD, but the address may still rest in its release quarantine, which is there to keep it from other pods.
     */
    @Override
    public Allocation reclaim(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
        if (ipam.find(key).isEmpty() && !free.take(address)) {
            throw new IpamException(IpamException.Reason.CONFLICT, "requested address " + address
                    + " is not a free address of this node (EC2 must assign it to one of its ENIs first)");
        }
        return allocateTaken(new AllocationRequest(key, pool, List.of(address), pod).reclaiming(), address);
    }

    /**
     * Moves {@code address} from whichever ENI holds it in the subnet to one of this node's (AssignPrivateIpAddresses
     * with AllowReassignment), and lets it join the free list: a StatefulSet pod's address following the pod to this
     * node, then allocates it to {@code key}. Secondary-address mode only: in prefix mode the address belongs to another
     * node's /28. EC2 answers a repeated assignment with no change, so a retried ADD claims again harmlessly.
     */
    @Override
    public Allocation claim(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
        if (config.prefixMode()) {
            throw new IpamException(IpamException.Reason.CONFLICT, "address " + address + " cannot move to "
                    + node.instanceId() + ": with prefix delegation it belongs to another node's /28 prefix");
        }
        NodeSupply current = readSupply();
        if (current.slotIndex().containsKey(address)) {
            return allocateReserved(key, address, pod);
        }
        String eni = AddressMove.onto(cloud, current, limits, node.instanceId(), address);
        LOG.log(System.Logger.Level.INFO, "took {0} over onto {1} (AllowReassignment) for {2}", address, eni, pod);
        return allocateReserved(key, address, pod);
    }

    /**
     * The address EC2 now lists on this node, taken for {@code key} in the same refresh that finds it: between a
     * refresh and a later take, the loop could hand it back to EC2 as a surplus free address.
     */
    private Allocation allocateReserved(AttachmentKey key, IPAddress address, Optional<PodRef> pod) {
        if (ipam.find(key).isEmpty() && !refresh(address)) {
            throw new IpamException(IpamException.Reason.EXHAUSTED, "address " + address + " is not on a ready ENI of "
                    + node.instanceId() + " yet; try again");
        }
        return allocateTaken(new AllocationRequest(key, pool, List.of(address), pod).reclaiming(), address);
    }


    /**
     * Drops the attachment's addresses without their ever coming back to this node's free list: EC2 has moved them to
     * another node's ENI, so this node must neither hand them out nor unassign them. The next refresh no longer lists
     * them; until then they are simply absent from the free list, which is all the unassign paths take from.
     */
    @Override
    public Optional<Allocation> forget(AttachmentKey key) {
        Optional<Allocation> released = ipam.release(key);
        released.ifPresent(a -> a.addresses().forEach(x -> free.take(x.address())));
        return released;
    }

    /** CNI GC for this pool. */
    @Override
    public List<Allocation> gc(Set<AttachmentKey> valid) {
        waiting.retainAll(valid);
        List<Allocation> released = ipam.gc(pool, valid);
        released.forEach(a -> giveBack(addresses(a)));
        return released;
    }

    private List<IPAddress> addresses(Allocation a) {
        return a.addresses().stream().map(AssignedAddress::address).filter(slotIndex::containsKey).toList();
    }

    private String describeShortage() {
        long cooling = supply.podAddresses().stream().filter(a -> ipam.use(a) instanceof AddressUse.Quarantined).count();
        String failure = !noEniConfig.isEmpty() ? "no ENI is created: " + noEniConfig
                : lastFailure.isEmpty() ? "waiting for EC2 to assign more" : "EC2 is not supplying more: " + lastFailure;
        return supply.podAddresses().size() + " addresses held, " + cooling + " of them in their release cooldown; "
                + failure;
    }

    // ---- the control loop ----

    /** One pass: finish pending work, re-read the node from EC2, plan, perform at most one action. */
    public StepOutcome step() {
        Optional<PoolAction> action = Optional.empty();
        try {
            if (!executor.finishPending(supply)) {
                return StepOutcome.steady("waiting for EC2 to finish detaching an ENI before deleting it");
            }
            refresh();
            Optional<WarmPoolConfig> wanted = targets.targets(view());
            if (wanted.isEmpty()) {
                return StepOutcome.steady("the warm-pool policy leaves the node as it is");
            }
            current = WarmTargets.within(config, wanted.get());
            PoolDecision decision = new WarmPoolPlanner(current, limits)
                    .plan(supply.plannerView(a -> !ipam.use(a).isFree()));
            if (decision.isSteady()) {
                noEniConfig = "";
                return StepOutcome.steady(decision.reason());
            }
            action = Optional.of(decision.actions().getFirst());
            perform(action.get());
            refresh();
            lastFailure = "";
            noEniConfig = "";
            return StepOutcome.acted(action.get(), decision.reason());
        } catch (NoEniConfigException e) {
            if (!e.getMessage().equals(noEniConfig)) {
                LOG.log(System.Logger.Level.WARNING, "no ENI is created: " + e.getMessage());
            }
            noEniConfig = e.getMessage();
            lastFailure = "no ENI is created: " + e.getMessage();
            return StepOutcome.failed(action, lastFailure, false);
        } catch (CloudException e) {
            cloudFailures.incrementAndGet();
            String why = PoolExecutor.explain(e, action);
            lastFailure = why;
            LOG.log(System.Logger.Level.WARNING, why);
            return StepOutcome.failed(action, why, e.retryable());
        }
    }

    private void perform(PoolAction action) {
        switch (action) {
            case PoolAction.AssignSlots(String eni, int count) -> assign(eni, count);
            case PoolAction.AttachEni(int slots) -> {
                String eni = executor.createAndAttach(supply, slots, config.prefixMode());
                refresh();
                assign(eni, slots);
            }
            case PoolAction.ReleaseSlots(String eni, int count) -> releaseSlots(eni, count);
            case PoolAction.DetachEni(String eni) -> detach(eni);
        }
    }

    private void assign(String eni, int count) {
        executor.assign(supply, eni, count, config.prefixMode(), limits.slotsPerEni(), why -> fragmentation = why);
    }

    /** Gives unused slots back, re-checking each address against the engine after taking it off the free list. */
    private void releaseSlots(String eniId, int count) {
        NodeSupply.Eni eni = supply.eni(eniId).orElseThrow();
        List<NodeSupply.Slot> chosen = new ArrayList<>();
        // Single addresses a prefix-mode node fell back to go first: that is how it returns to prefixes.
        List<NodeSupply.Slot> candidates = new ArrayList<>(eni.slots().reversed());
        candidates.sort(java.util.Comparator.comparing(NodeSupply.Slot::isPrefix));
        for (NodeSupply.Slot slot : candidates) {
            if (chosen.size() == count) {
                break;
            }
            if (free.takeAll(slot.addresses())) {
                if (slot.addresses().stream().allMatch(a -> ipam.use(a).isFree())) {
                    chosen.add(slot);
                } else {
                    giveBack(slot.addresses());
                }
            }
        }
        if (chosen.isEmpty()) {
            return;
        }
        List<String> prefixes = chosen.stream().filter(NodeSupply.Slot::isPrefix).map(NodeSupply.Slot::text).toList();
        List<String> singles = chosen.stream().filter(x -> !x.isPrefix()).map(NodeSupply.Slot::text).toList();
        try {
            if (!singles.isEmpty()) {
                cloud.unassignPrivateIpAddresses(eniId, singles);
            }
            if (!prefixes.isEmpty()) {
                cloud.unassignIpv4Prefixes(eniId, prefixes);
            }
        } catch (RuntimeException e) {
            chosen.forEach(s -> giveBack(s.addresses()));
            throw e;
        }
    }

    private void detach(String eniId) {
        NodeSupply.Eni eni = supply.eni(eniId).orElseThrow();
        List<IPAddress> all = eni.slots().stream().flatMap(s -> s.addresses().stream()).toList();
        if (!free.takeAll(all)) {
            return;
        }
        if (!all.stream().allMatch(a -> ipam.use(a).isFree())) {
            giveBack(all);
            return;
        }
        try {
            executor.detachAndDelete(eni);
        } catch (RuntimeException e) {
            giveBack(all);
            throw e;
        }
    }

    /**
     * Re-reads the node's ENIs from EC2, lets the node set up (or tear down) their links and tables, and brings the
     * free list in line: addresses of ENIs set up join, vanished ones leave. Synchronized: the loop and a
     * {@link #claim} on the ADD path may both refresh.
     */
    private void refresh() {
        refresh(null);
    }

    /** As {@link #refresh()}, and takes {@code reserve} off the free list if it is there now; whether it was. */
    private synchronized boolean refresh(IPAddress reserve) {
        NodeSupply fresh = readSupply();
        Set<String> ready = interfaces.sync(fresh);
        Set<IPAddress> now = new LinkedHashSet<>(fresh.podAddresses(e -> ready.contains(e.id())));
        Set<IPAddress> before = usable;
        free.retainAll(now);
        List<IPAddress> joining = now.stream().filter(a -> !before.contains(a)).toList();
        List<IPAddress> unused = joining.stream().filter(a -> !a.equals(reserve)
                && !(ipam.use(a) instanceof AddressUse.Held)).toList();
        slotIndex = fresh.slotIndex();
        supply = fresh;
        usable = now;
        giveBack(unused);
        return reserve != null && (joining.contains(reserve) || free.take(reserve));
    }

    private NodeSupply readSupply() {
        return NodeSupply.of(node.instanceId(), cloud.describeNetworkInterfaces(EniFilter.attachedTo(node.instanceId())),
                config.customNetworking());
    }

    // ---- the free list ----

    private void giveBack(List<IPAddress> addresses) {
        free.giveBack(addresses, slotIndex.keySet()::contains);
    }

    /** Below this many free addresses the loop is woken at once instead of at its next tick. */
    private int lowWater() {
        WarmPoolConfig config = current;
        if (config.ipTargetsDefined()) {
            return Math.max(config.warmIpTarget(), 1);
        }
        return config.prefixMode() ? config.warmPrefixTarget() * WarmPoolConfig.ADDRESSES_PER_PREFIX : 1;
    }

    /** The route table for traffic from {@code address}: its ENI's (empty: the primary's, the main table). */
    public java.util.OptionalInt routeTable(IPAddress address) {
        NodeSupply.Slot slot = slotIndex.get(address);
        if (slot == null) {
            return java.util.OptionalInt.empty();
        }
        return supply.eni(slot.eniId()).map(NodeSupply.Eni::routeTable).orElse(java.util.OptionalInt.empty());
    }

    public NodeSupply supply() {
        return supply;
    }

    @Override
    public Counts counts() {
        WarmPoolStats s = stats();
        return new Counts(s.held(), s.inUse(), s.free(), s.held() - s.inUse() - s.free());
    }

    public WarmPoolStats stats() {
        NodeSupply s = supply;
        return new WarmPoolStats(s.enis().size(), s.prefixCount(), s.podAddresses().size(), inUse(s), free.size(),
                cloudFailures.get(), lastFailure, fragmentation, noEniConfig);
    }

    /** What the warm-pool policy reads. */
    private PoolView view() {
        return new PoolView(inUse(supply), free.size(), waiting.size(), limits);
    }

    private int inUse(NodeSupply s) {
        return (int) s.podAddresses().stream().filter(a -> ipam.use(a) instanceof AddressUse.Held).count();
    }

    /** For the introspection endpoint: the ENIs and their slots. */
    public Map<String, List<String>> slotsByEni() {
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        supply.enis().forEach(e -> m.put(e.id(), e.slots().stream().map(NodeSupply.Slot::text).toList()));
        return m;
    }
}
