package dev.podnet.vpcsim.fabric;

import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import dev.podnet.cloud.sim.WorldSnapshot;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SequencedSet;
import java.util.LinkedHashSet;

/**
 * What the fabric should look like for one state of the world: a pure function of the emulator's snapshot, so that
 * the diff against what was made (and so every command the fabric runs) is unit-tested without a kernel.
 *
 * @param instances the running instances' ids, each a namespace
 * @param ports     attached ENIs by router device
 * @param routes    the router's routes: destination (an assigned address or prefix) to router device
 */
public record FabricPlan(SequencedSet<String> instances, SequencedMap<String, EniPort> ports,
                         SequencedMap<String, String> routes) {

    public static final FabricPlan EMPTY = new FabricPlan(new LinkedHashSet<>(), new LinkedHashMap<>(), new LinkedHashMap<>());

    public FabricPlan {
        instances = java.util.Collections.unmodifiableSequencedSet(new LinkedHashSet<>(instances));
        ports = java.util.Collections.unmodifiableSequencedMap(new LinkedHashMap<>(ports));
        routes = java.util.Collections.unmodifiableSequencedMap(new LinkedHashMap<>(routes));
    }

    public static FabricPlan of(WorldSnapshot world) {
        Map<String, Subnet> subnets = new HashMap<>();
        world.subnets().forEach(s -> subnets.put(s.id(), s));
        SequencedSet<String> instances = new LinkedHashSet<>();
        SequencedMap<String, EniPort> ports = new LinkedHashMap<>();
        SequencedMap<String, String> routes = new LinkedHashMap<>();
        for (Instance instance : world.instances()) {
            instances.add(instance.id());
            for (NetworkInterface eni : instance.networkInterfaces()) {
                EniPort port = port(instance.id(), eni, subnets.get(eni.subnetId()));
                EniPort clash = ports.putIfAbsent(port.routerDevice(), port);
                if (clash != null) {
                    throw new IllegalStateException("ENIs " + clash.eniId() + " and " + eni.id()
                            + " would share the router device " + port.routerDevice());
                }
                port.ipv4().forEach(d -> routes.put(d, port.routerDevice()));
                port.ipv6Prefixes().forEach(d -> routes.put(d, port.routerDevice()));
            }
        }
        return new FabricPlan(instances, ports, routes);
    }

    private static EniPort port(String instanceId, NetworkInterface eni, Subnet subnet) {
        if (subnet == null) {
            throw new IllegalStateException("ENI " + eni.id() + " is in subnet " + eni.subnetId() + ", which is not listed");
        }
        String[] block = subnet.cidrBlock().split("/");
        List<String> ipv4 = new ArrayList<>();
        ipv4.add(eni.primaryIpv4() + "/32");
        eni.secondaryIpv4().forEach(a -> ipv4.add(a + "/32"));
        ipv4.addAll(eni.ipv4Prefixes());
        int deviceIndex = eni.attachment().orElseThrow().deviceIndex();
        return new EniPort(eni.id(), FabricNames.routerDevice(eni.id()), instanceId, deviceIndex, eni.macAddress(),
                eni.primaryIpv4() + "/" + block[1], firstHost(block[0]), subnet.ipv6CidrBlock().isPresent(), ipv4,
                eni.ipv6Prefixes());
    }

    /** The subnet's ".1": EC2 reserves it for the VPC router. */
    static String firstHost(String network) {
        try {
            InetAddress a = InetAddress.getByName(network);
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException(network + " is not an IPv4 address");
            }
            int next = ByteBuffer.wrap(a.getAddress()).getInt() + 1;
            return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(next).array()).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(network + " is not an IPv4 address", e);
        }
    }
}
