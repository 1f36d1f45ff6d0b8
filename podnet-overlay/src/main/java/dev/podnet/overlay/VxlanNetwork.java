package dev.podnet.overlay;

import dev.podnet.linux.Address;
import dev.podnet.linux.IpBatch;
import dev.podnet.linux.Iproute;
import dev.podnet.linux.Link;
import dev.podnet.linux.LinuxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The node's side of flannel's vxlan backend, in one network namespace: the device {@code flannel.<VNI>} and, for
 * every other node, the neighbour, FDB entry and route that send its subnet through the tunnel (flannel's "L3 without
 * misses" scheme: no learning, no netlink miss handlers, everything programmed up front, so a restart of the agent
 * disturbs no traffic).
 */
public final class VxlanNetwork {
    /** VXLAN over IPv4 adds 50 bytes: outer IP 20, UDP 8, VXLAN 8, inner Ethernet 14. */
    public static final int ENCAP_OVERHEAD = 50;
    private static final Logger LOG = Logger.getLogger(VxlanNetwork.class.getName());

    /**
     * @param underlay the link VXLAN packets leave through
     * @param publicIp this node's address on it: the VTEP's source, and the PublicIP of its lease
     */
    public record Device(long vni, int port, String underlay, String publicIp, boolean learning, boolean gbp) {
        public String name() {
            return "flannel." + vni;
        }
    }

    private final Iproute ip;
    private final Device device;

    public VxlanNetwork(Iproute ip, Device device) {
        this.ip = ip;
        this.device = device;
    }

    public Device device() {
        return device;
    }

    /** The MTU of the underlay link, from which the overlay's is derived. */
    public int underlayMtu() {
        return ip.link(device.underlay())
                .orElseThrow(() -> new OverlayException("the underlay interface " + device.underlay()
                        + " does not exist in " + ip.netns()))
                .mtu();
    }

    /**
     * Creates the device, or keeps the one that exists when its settings match (its MAC, and so the peers' entries,
     * stay valid); one that does not match is recreated, as flannel does. Returns the device as it is now.
     */
    public Link ensureDevice(int mtu) {
        String name = device.name();
        Optional<Link> existing = ip.link(name);
        IpBatch batch = ip.ipBatch();
        if (existing.isPresent() && compatible(existing.get()).isEmpty()) {
            if (existing.get().mtu() != mtu) {
                batch.add("link", "set", "dev", name, "mtu", Integer.toString(mtu));
            }
        } else {
            existing.ifPresent(l -> {
                LOG.warning(name + " exists with other settings (" + compatible(l).orElseThrow() + "); recreating it");
                batch.add("link", "del", name);
            });
            List<String> add = new ArrayList<>(List.of("link", "add", name, "mtu", Integer.toString(mtu), "type", "vxlan",
                    "id", Long.toString(device.vni()), "dstport", Integer.toString(device.port()),
                    "local", device.publicIp(), "dev", device.underlay(), device.learning() ? "learning" : "nolearning"));
            if (device.gbp()) {
                add.add("gbp");
            }
            batch.add(add.toArray(String[]::new));
        }
        boolean created = batch.lines().stream().anyMatch(l -> l.startsWith("link add "));
        ip.run(batch);
        if (created) {
            try {
                // no router advertisements on the tunnel (flannel does the same); a kernel without IPv6 has no such key
                ip.sysctl("net.ipv6.conf." + name.replace('.', '/') + ".accept_ra", "0");
            } catch (LinuxException e) {
                LOG.fine(() -> "could not turn off accept_ra on " + name + ": " + e.getMessage());
            }
        }
        return ip.link(name).orElseThrow(() -> new OverlayException(name + " vanished right after it was created"));
    }

    /** Why {@code link} cannot serve as our device, or empty if it can. */
    Optional<String> compatible(Link link) {
        if (link.vxlan().isEmpty()) {
            return Optional.of("kind " + link.kind().orElse("none") + ", not vxlan");
        }
        Link.Vxlan v = link.vxlan().get();
        if (v.id() != device.vni()) {
            return Optional.of("VNI " + v.id() + " instead of " + device.vni());
        }
        if (v.local().isPresent() && !v.local().get().equals(device.publicIp())) {
            return Optional.of("local " + v.local().get() + " instead of " + device.publicIp());
        }
        if (v.link().isPresent() && !v.link().get().equals(device.underlay())) {
            return Optional.of("dev " + v.link().get() + " instead of " + device.underlay());
        }
        if (v.port() != device.port()) {
            return Optional.of("port " + v.port() + " instead of " + device.port());
        }
        if (v.learning() != device.learning()) {
            return Optional.of("learning " + v.learning());
        }
        return Optional.empty();
    }

    /**
     * Gives the device the subnet's network address as a /32 (as flannel does: a source address for traffic from
     * the node to pods elsewhere, with no connected route that would swallow the other nodes' subnets), drops any
     * other IPv4 address (a subnet this node held before), and brings it up.
     */
    public void assignSubnet(Ipv4Net subnet) {
        String name = device.name();
        String own = subnet.ip() + "/32";
        IpBatch batch = ip.ipBatch();
        for (Address a : ip.addresses(name)) {
            if (a.ipv4() && !a.cidr().equals(own)) {
                batch.add("addr", "del", a.cidr(), "dev", name);
            }
        }
        batch.add("addr", "replace", own, "dev", name);
        batch.add("link", "set", "dev", name, "up");
        ip.run(batch);
    }

    /**
     * Makes the device's neighbours, FDB entries and routes match {@code peers} exactly, adding what is missing and
     * removing what belongs to no peer: at most one {@code bridge -batch} and one {@code ip -batch}, none when
     * nothing differs.
     *
     * @return whether anything was changed
     */
    public boolean reconcile(Collection<Peer> peers) {
        String name = device.name();
        VxlanPlan plan = VxlanPlan.plan(name, peers, ip.neighbours(name), ip.fdb(name), ip.routes(name),
                ip.bridgeBatch(), ip.ipBatch());
        if (plan.isEmpty()) {
            return false;
        }
        // The FDB first: a route is only useful once its MAC leads somewhere.
        ip.run(plan.fdb());
        ip.run(plan.routes());
        LOG.fine(() -> "reconciled " + name + " with " + peers.size() + " peers: " + plan.fdb().lines() + " "
                + plan.routes().lines());
        return true;
    }
}
