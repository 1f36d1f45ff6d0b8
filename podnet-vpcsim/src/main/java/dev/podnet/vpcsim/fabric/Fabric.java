package dev.podnet.vpcsim.fabric;

import dev.podnet.cloud.sim.WorldSnapshot;
import dev.podnet.linux.Exec;
import dev.podnet.linux.IpBatch;
import dev.podnet.linux.Iproute;
import dev.podnet.linux.Iptables;
import dev.podnet.linux.LinuxException;
import dev.podnet.linux.Namespaces;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.VethPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.function.Supplier;

/**
 * The VPC's data plane on one machine: a router namespace that plays the VPC, and a namespace per running instance
 * whose ENIs are veths to the router. {@link #reconcile()} reads the world, plans it ({@link FabricPlan}), diffs the
 * plan against the last one applied ({@link FabricChanges}) and runs the difference: one {@code ip} batch for the
 * router, one per instance that got an interface, and an {@code iptables-restore} per family when the rules changed.
 * Reconciles are serialised, so each one starts from what the previous one made.
 *
 * <p>Beyond the router sits one outside host ({@link #OUTSIDE_IPV4}, {@link #OUTSIDE_IPV6}, in documentation ranges
 * no VPC uses): anything outside the VPC's blocks, such as the internet behind a NAT gateway. It is what a test of
 * the node's SNAT sends to; the router reaches it directly and it answers through the router.
 *
 * <p>If applying fails half way, the fabric no longer knows what it made: it says so in the exception, and the next
 * reconcile rebuilds the router's state from scratch rather than trust the diff.
 */
public final class Fabric implements AutoCloseable {
    /** The router forwards, answers ARP for every address it routes to another veth, and filters by rules only. */
    private static final SequencedMap<String, String> ROUTER_SYSCTLS = sysctls(
            "net.ipv4.ip_forward", "1",
            "net.ipv6.conf.all.forwarding", "1",
            "net.ipv4.conf.all.proxy_arp", "1",
            "net.ipv4.conf.all.rp_filter", "0",
            "net.ipv4.conf.default.rp_filter", "0",
            "net.ipv4.conf.all.send_redirects", "0",
            "net.ipv4.conf.default.send_redirects", "0");

    public static final String OUTSIDE_IPV4 = "198.51.100.10";
    public static final String OUTSIDE_IPV6 = "2001:db8:100::10";
    /** The router's end of the outside host's veth. */
    private static final String OUTSIDE_DEVICE = "outside";

    private final FabricNames names;
    private final Supplier<WorldSnapshot> world;
    private final Exec exec;
    private final Namespaces namespaces;
    private FabricPlan applied = FabricPlan.EMPTY;
    private boolean started;
    private boolean broken;

    public Fabric(FabricNames names, Supplier<WorldSnapshot> world, Exec exec) {
        this.names = names;
        this.world = world;
        this.exec = exec;
        this.namespaces = new Namespaces(exec);
    }

    public FabricNames names() {
        return names;
    }

    /**
     * Removes a leftover fabric of the same name (a crashed run), makes the router and every instance's namespace,
     * and wires the world as it is.
     *
     * @return the namespaces made, router first
     */
    public synchronized List<String> start() {
        removeLeftovers();
        started = true;
        Iproute router = new Iproute(exec, NetNamespace.named(namespaces.add(names.router()).name().orElseThrow()));
        router.sysctls(ROUTER_SYSCTLS);
        startOutside();
        reconcile();
        List<String> made = new ArrayList<>(List.of(names.router(), names.outside()));
        applied.instances().forEach(i -> made.add(names.instance(i)));
        return made;
    }

    /** The outside host: its namespace, a veth to the router, an address of each family, the router as gateway. */
    private void startOutside() {
        NetNamespace outside = NetNamespace.named(namespaces.add(names.outside()).name().orElseThrow());
        IpBatch router = IpBatch.ip(NetNamespace.named(names.router()));
        new VethPair(OUTSIDE_DEVICE, "eth0", outside, Optional.empty(), EniPort.MTU).addTo(router);
        router.add("link", "set", OUTSIDE_DEVICE, "up")
                .add("addr", "add", "198.51.100.1/24", "dev", OUTSIDE_DEVICE)
                .add("addr", "add", "2001:db8:100::1/64", "dev", OUTSIDE_DEVICE, "nodad")
                .run(exec);
        IpBatch.ip(outside).add("link", "set", "lo", "up").add("link", "set", "eth0", "up")
                .add("addr", "add", OUTSIDE_IPV4 + "/24", "dev", "eth0")
                .add("addr", "add", OUTSIDE_IPV6 + "/64", "dev", "eth0", "nodad")
                .add("route", "add", "default", "via", "198.51.100.1")
                .add("route", "add", "default", "via", "2001:db8:100::1")
                .run(exec);
    }

    /** Makes the kernel match the world now; returns when it does. */
    public synchronized void reconcile() {
        if (!started) {
            throw new IllegalStateException("the fabric is not started");
        }
        FabricPlan desired = FabricPlan.of(world.get());
        if (broken) {
            rebuildRouter();
        }
        FabricChanges changes = FabricChanges.between(names, applied, desired);
        if (changes.isEmpty()) {
            return;
        }
        broken = true;
        for (String instance : changes.addInstances()) {
            namespaces.add(names.instance(instance));
        }
        changes.router().run(exec);
        changes.instanceBatches().values().forEach(b -> b.run(exec));
        Iptables iptables = new Iptables(exec, NetNamespace.named(names.router()));
        changes.ipv4Filter().ifPresent(r -> iptables.replaceTables(Iptables.Family.IPV4, r));
        changes.ipv6Filter().ifPresent(r -> iptables.replaceTables(Iptables.Family.IPV6, r));
        for (String instance : changes.deleteInstances()) {
            namespaces.delete(names.instance(instance));
        }
        applied = desired;
        broken = false;
    }

    /**
     * After a failed reconcile: every veth goes (with its routes), and so does every instance namespace, so that the
     * next diff starts from nothing. Instances lose their interfaces' configuration, as a rebooted instance would.
     */
    private void rebuildRouter() {
        IpBatch drop = IpBatch.ip(NetNamespace.named(names.router()));
        applied.ports().keySet().forEach(dev -> drop.add("link", "del", dev));
        try {
            drop.run(exec);
        } catch (LinuxException e) {
            // some of them were never made; the namespaces' deletion below takes the rest
        }
        applied.instances().forEach(i -> namespaces.delete(names.instance(i)));
        applied = FabricPlan.EMPTY;
        broken = false;
    }

    /** The namespaces of this fabric that exist now. */
    public List<String> namespaces() {
        return namespaces.list().stream().filter(names::owns).toList();
    }

    /** Removes every namespace of this fabric, and with them every veth it made; collects failures instead of stopping. */
    @Override
    public synchronized void close() {
        List<String> problems = new ArrayList<>();
        List<String> order = new ArrayList<>(List.of(names.router()));
        namespaces().stream().filter(n -> !n.equals(names.router())).forEach(order::add);
        for (String ns : order) {
            try {
                namespaces.delete(ns);
            } catch (LinuxException e) {
                problems.add(e.getMessage());
            }
        }
        applied = FabricPlan.EMPTY;
        started = false;
        if (!problems.isEmpty()) {
            throw new LinuxException("removing fabric " + names.name() + ": " + String.join("; ", problems));
        }
    }

    private void removeLeftovers() {
        List<String> left = namespaces();
        if (!left.isEmpty()) {
            close();
        }
    }

    private static SequencedMap<String, String> sysctls(String... keyValues) {
        SequencedMap<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put(keyValues[i], keyValues[i + 1]);
        }
        return out;
    }
}
