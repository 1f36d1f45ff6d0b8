package dev.podnet.vpcsim.fabric;

import dev.podnet.linux.IpBatch;
import dev.podnet.linux.Iptables.Family;
import dev.podnet.linux.IptablesRules;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.VethPair;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.HashSet;

/**
 * The commands that take the fabric from what it made ({@code applied}) to what the world now asks for
 * ({@code desired}): namespaces to add and delete, one {@code ip} batch for the router, one per instance whose
 * interfaces were hot-plugged, and the filter tables when their rules changed. Computed, never run, here.
 *
 * @param addInstances    instance ids whose namespace is made first (before the router batch names it)
 * @param router          runs next, in the router namespace: veths deleted, veths made, routes removed and replaced
 * @param instanceBatches then, per instance namespace: new interfaces up, eth0's address and default route
 * @param deleteInstances instance ids whose namespace goes last
 */
public record FabricChanges(List<String> addInstances, IpBatch router, SequencedMap<String, IpBatch> instanceBatches,
                            Optional<IptablesRules> ipv4Filter, Optional<IptablesRules> ipv6Filter,
                            List<String> deleteInstances) {

    public boolean isEmpty() {
        return addInstances.isEmpty() && router.isEmpty() && instanceBatches.isEmpty() && ipv4Filter.isEmpty()
                && ipv6Filter.isEmpty() && deleteInstances.isEmpty();
    }

    public static FabricChanges between(FabricNames names, FabricPlan applied, FabricPlan desired) {
        List<String> addInstances = desired.instances().stream().filter(i -> !applied.instances().contains(i)).toList();
        List<String> deleteInstances = applied.instances().stream().filter(i -> !desired.instances().contains(i)).toList();
        IpBatch router = IpBatch.ip(NetNamespace.named(names.router()));
        SequencedMap<String, IpBatch> instanceBatches = new LinkedHashMap<>();

        // A veth goes when its ENI is detached, or is wired differently now; deleting the router's end deletes both.
        Set<String> gone = new HashSet<>();
        for (EniPort old : applied.ports().values()) {
            EniPort now = desired.ports().get(old.routerDevice());
            if (now == null || !now.wiring().equals(old.wiring())) {
                router.add("link", "del", old.routerDevice());
                gone.add(old.routerDevice());
            }
        }
        for (EniPort port : desired.ports().values()) {
            EniPort old = applied.ports().get(port.routerDevice());
            if (old != null && !gone.contains(old.routerDevice())) {
                continue;
            }
            NetNamespace instance = NetNamespace.named(names.instance(port.instanceId()));
            new VethPair(port.routerDevice(), port.instanceDevice(), instance, Optional.of(port.mac()), EniPort.MTU)
                    .addTo(router);
            router.add("link", "set", port.routerDevice(), "up");
            router.add("addr", "add", port.gateway() + "/32", "dev", port.routerDevice());
            router.add("neigh", "replace", EniPort.IPV4_DELIVERY_HOP, "lladdr", port.mac(), "dev", port.routerDevice(),
                    "nud", "permanent");
            if (port.ipv6()) {
                router.add("addr", "add", EniPort.IPV6_GATEWAY + "/64", "dev", port.routerDevice(), "nodad");
                router.add("neigh", "replace", EniPort.IPV6_DELIVERY_HOP, "lladdr", port.mac(), "dev",
                        port.routerDevice(), "nud", "permanent");
            }
            // EC2 hands the instance a link that is up and has no address; the primary ENI comes configured (DHCP,
            // and for IPv6 the router's advertisement).
            IpBatch batch = instanceBatches.computeIfAbsent(port.instanceId(), i -> IpBatch.ip(instance));
            batch.add("link", "set", port.instanceDevice(), "up");
            if (port.deviceIndex() == 0) {
                batch.add("addr", "add", port.primaryCidr(), "dev", port.instanceDevice());
                batch.add("route", "add", "default", "via", port.gateway(), "dev", port.instanceDevice());
                if (port.ipv6()) {
                    batch.add("route", "add", "default", "via", EniPort.IPV6_GATEWAY, "dev",
                            port.instanceDevice());
                }
            }
        }

        // Routes through a deleted veth went with it; the rest are removed or moved one by one.
        Map<String, String> kept = new HashMap<>();
        applied.routes().forEach((dst, dev) -> {
            if (!gone.contains(dev)) {
                kept.put(dst, dev);
            }
        });
        kept.forEach((dst, dev) -> {
            if (!desired.routes().containsKey(dst)) {
                router.add("route", "del", dst, "dev", dev);
            }
        });
        desired.routes().forEach((dst, dev) -> {
            if (!dev.equals(kept.get(dst))) {
                if (dst.indexOf(':') < 0) {
                    router.add("route", "replace", dst, "via", EniPort.IPV4_DELIVERY_HOP, "dev", dev, "onlink");
                } else {
                    router.add("route", "replace", dst, "via", EniPort.IPV6_DELIVERY_HOP, "dev", dev);
                }
            }
        });

        Optional<IptablesRules> v4 = changed(applied, desired, Family.IPV4);
        Optional<IptablesRules> v6 = changed(applied, desired, Family.IPV6);
        return new FabricChanges(addInstances, router, instanceBatches, v4, v6, deleteInstances);
    }

    /** The first plan always writes the tables, so that a fresh router starts from the fabric's rules. */
    private static Optional<IptablesRules> changed(FabricPlan applied, FabricPlan desired, Family family) {
        IptablesRules now = FabricFilter.rules(desired, family);
        return applied != FabricPlan.EMPTY && now.equals(FabricFilter.rules(applied, family)) ? Optional.empty()
                : Optional.of(now);
    }
}
