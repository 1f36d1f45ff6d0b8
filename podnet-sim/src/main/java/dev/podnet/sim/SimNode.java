package dev.podnet.sim;

import dev.podnet.ipam.warm.EniState;
import dev.podnet.ipam.warm.NodeLimits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One node as the simulator keeps it: its ENIs and their slots as EC2 last answered, the free list, the pods that
 * run and those waiting for an address. The node's own bookkeeping is checked as it goes: an address given to a
 * second pod, or more ENIs or slots than the instance type allows, is recorded as a violation.
 */
final class SimNode implements NodeView {

    /** A secondary address or /28 prefix on an ENI, and how many of its addresses pods use. */
    static final class Slot {
        final String text;
        final List<String> addresses;
        int used;

        Slot(String text, List<String> addresses) {
            this.text = text;
            this.addresses = addresses;
        }
    }

    static final class Eni {
        final String id;
        final boolean primary;
        String attachmentId;
        int device;
        final List<Slot> slots = new ArrayList<>();

        Eni(String id, boolean primary) {
            this.id = id;
            this.primary = primary;
        }
    }

    /** A pod waiting for an address since {@code since}; {@code batch} is the scale-up it belongs to, or null. */
    record Waiting(long since, long lifetime, Batch batch) {
    }

    final int index;
    final String instanceId;
    final Scenario.NodeGroup group;
    final String subnetId;
    final NodeLimits limits;
    final int addressesPerSlot;
    final PodSource pods;
    final EventLoop loop;
    final List<Eni> enis = new ArrayList<>();
    final LinkedHashSet<String> free = new LinkedHashSet<>();
    final Map<String, Slot> slotOf = new HashMap<>();
    final Map<String, Integer> podOf = new HashMap<>();
    final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** When each running pod leaves: what only the oracle may read. */
    final java.util.PriorityQueue<Long> departures = new java.util.PriorityQueue<>();
    final List<String> violations;
    boolean alive;
    boolean busy;
    int failures;
    long backoffUntil;
    long wakeScheduled = Long.MAX_VALUE;
    int initialPods;
    private int nextPod;
    private int running;

    SimNode(int index, String instanceId, Scenario.NodeGroup group, String subnetId, NodeLimits limits,
            int addressesPerSlot, PodSource pods, EventLoop loop, List<String> violations) {
        this.index = index;
        this.instanceId = instanceId;
        this.group = group;
        this.subnetId = subnetId;
        this.limits = limits;
        this.addressesPerSlot = addressesPerSlot;
        this.pods = pods;
        this.loop = loop;
        this.violations = violations;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public long now() {
        return loop.now();
    }

    @Override
    public int running() {
        return running;
    }

    @Override
    public int pending() {
        return waiting.size();
    }

    @Override
    public int free() {
        return free.size();
    }

    @Override
    public NodeLimits limits() {
        return limits;
    }

    @Override
    public int[] peakDemand(long... windowsMillis) {
        long now = loop.now();
        long end = now + Arrays.stream(windowsMillis).max().orElse(0);
        // +1 at an arrival, -1 at a departure; at the same time departures go first, as the address is free again.
        List<long[]> changes = new ArrayList<>();
        for (long d : departures) {
            if (d <= end) {
                changes.add(new long[] {d, -1});
            }
        }
        for (PodSource.Arrival a : pods.within(now, end - now)) {
            changes.add(new long[] {a.at(), 1});
            if (a.at() + a.lifetime() <= end) {
                changes.add(new long[] {a.at() + a.lifetime(), -1});
            }
        }
        changes.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        int demand = running + waiting.size();
        int[] peaks = new int[windowsMillis.length];
        Arrays.fill(peaks, demand);
        for (long[] c : changes) {
            demand += (int) c[1];
            for (int i = 0; i < peaks.length; i++) {
                if (c[0] <= now + windowsMillis[i]) {
                    peaks[i] = Math.max(peaks[i], demand);
                }
            }
        }
        return peaks;
    }

    @Override
    public long nextArrival() {
        PodSource.Arrival a = pods.peek();
        return a == null ? Long.MAX_VALUE : a.at();
    }

    /** The lowest device index no ENI of the node uses. */
    int freeDevice() {
        for (int d = 1; ; d++) {
            final int candidate = d;
            if (enis.stream().noneMatch(e -> e.device == candidate)) {
                return d;
            }
        }
    }

    /**
     * VPC addresses the node holds for pods: every slot's addresses and the primary address of each ENI but the
     * first (the node's own address, which it holds whatever runs on it).
     */
    int held() {
        int n = 0;
        for (Eni e : enis) {
            n += e.primary ? 0 : 1;
            for (Slot s : e.slots) {
                n += s.addresses.size();
            }
        }
        return n;
    }

    /** The planner's view: ENIs in attach order with the pods on each slot. */
    List<EniState> plannerView() {
        List<EniState> view = new ArrayList<>(enis.size());
        for (Eni e : enis) {
            List<Integer> used = new ArrayList<>(e.slots.size());
            for (Slot s : e.slots) {
                used.add(s.used);
            }
            view.add(new EniState(e.id, e.primary, used));
        }
        return view;
    }

    Eni eni(String id) {
        for (Eni e : enis) {
            if (e.id.equals(id)) {
                return e;
            }
        }
        throw new IllegalStateException(instanceId + ": the planner named an ENI the node does not have: " + id);
    }

    /** New slots EC2 assigned: their addresses join the free list. */
    void addSlots(Eni eni, List<String> texts) {
        for (String text : texts) {
            List<String> addresses = text.contains("/") ? expand(text) : List.of(text);
            Slot slot = new Slot(text, addresses);
            eni.slots.add(slot);
            for (String a : addresses) {
                slotOf.put(a, slot);
                free.add(a);
            }
        }
        if (eni.slots.size() > limits.slotsPerEni()) {
            violations.add(instanceId + ": " + eni.id + " holds " + eni.slots.size() + " slots, more than the "
                    + limits.slotsPerEni() + " its instance type allows");
        }
        if (enis.size() > limits.maxEnis()) {
            violations.add(instanceId + ": " + enis.size() + " ENIs, more than the " + limits.maxEnis() + " allowed");
        }
    }

    /** Takes up to {@code count} wholly free slots of the ENI off the free list, last first; the caller unassigns them. */
    List<Slot> takeFreeSlots(Eni eni, int count) {
        List<Slot> taken = new ArrayList<>();
        for (int i = eni.slots.size() - 1; i >= 0 && taken.size() < count; i--) {
            Slot s = eni.slots.get(i);
            if (s.used == 0) {
                taken.add(s);
            }
        }
        for (Slot s : taken) {
            eni.slots.remove(s);
            s.addresses.forEach(a -> {
                free.remove(a);
                slotOf.remove(a);
            });
        }
        return taken;
    }

    /** Gives a pod the oldest free address; null when there is none. */
    String assign() {
        Iterator<String> it = free.iterator();
        if (!it.hasNext()) {
            return null;
        }
        String address = it.next();
        it.remove();
        int pod = nextPod++;
        Integer before = podOf.put(address, pod);
        if (before != null) {
            violations.add(instanceId + ": address " + address + " given to pod " + pod + " while pod " + before
                    + " holds it");
        }
        slotOf.get(address).used++;
        running++;
        return address;
    }

    void release(String address) {
        if (podOf.remove(address) == null) {
            violations.add(instanceId + ": released address " + address + ", which no pod held");
            return;
        }
        Slot s = slotOf.get(address);
        s.used--;
        running--;
        free.add(address);
    }

    /** The node leaves: its pods and addresses are gone with it. */
    void terminate() {
        alive = false;
        waiting.clear();
        podOf.clear();
        departures.clear();
        free.clear();
        running = 0;
        enis.clear();
    }

    private static List<String> expand(String prefix) {
        inet.ipaddr.IPAddress block = new inet.ipaddr.IPAddressString(prefix).getAddress().toPrefixBlock()
                .withoutPrefixLength();
        List<String> all = new ArrayList<>();
        Iterator<? extends inet.ipaddr.IPAddress> it = block.iterator();
        while (it.hasNext()) {
            all.add(it.next().toCanonicalString());
        }
        return List.copyOf(all);
    }
}
