package dev.podnet.linux;

import dev.podnet.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A secondary ENI on the node, set up as aws-vpc-cni's ipamd sets one up: the link (whatever the kernel named it;
 * it is found by the MAC EC2 reports, the one thing EC2 guarantees about it) up with the VPC's jumbo MTU, and a
 * route table of its own holding the subnet's connected route and a default route via the subnet's gateway, so the
 * policy rules of the pods whose addresses it carries send their traffic out through it.
 */
public final class EniRouting {
    /** What EC2 supports inside a VPC and what aws-vpc-cni sets. */
    public static final int MTU = 9001;

    /**
     * One ENI to set up.
     *
     * @param mac    the ENI's MAC as EC2 reports it
     * @param table  its route table (aws-vpc-cni: device index + 1, see {@link #tableOf})
     * @param subnet the ENI's subnet, e.g. "10.0.64.0/19"
     */
    public record Spec(String mac, int table, String subnet) {
        public Spec {
            mac = mac.toLowerCase(java.util.Locale.ROOT);
            if (!mac.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
                throw new IllegalArgumentException("\"" + mac + "\" is not a MAC address");
            }
            if (table < 1 || table >= 253 && table <= 255) {
                throw new IllegalArgumentException(table + " is not a route table podnet may own (1..252, 256 and up)");
            }
            if (!Cidr.parse(subnet).isIpv4()) {
                throw new IllegalArgumentException(subnet + " is not an IPv4 subnet");
            }
        }

        public String gateway() {
            return gatewayOf(subnet);
        }
    }

    private final Exec exec;
    private final Iproute node;

    /** @param node the namespace the ENIs appear in (the node's) */
    public EniRouting(Exec exec, NetNamespace node) {
        this.exec = exec;
        this.node = new Iproute(exec, node);
    }

    /** aws-vpc-cni's numbering: the ENI at device index N routes through table N + 1 (the primary uses main). */
    public static int tableOf(int deviceIndex) {
        if (deviceIndex < 1) {
            throw new IllegalArgumentException("the primary ENI (device index 0) uses the main table");
        }
        return deviceIndex + 1;
    }

    /** The VPC router of a subnet: its first address + 1 (EC2 reserves it in every subnet). */
    public static String gatewayOf(String subnet) {
        Cidr cidr = Cidr.parse(subnet);
        if (!cidr.isIpv4() || cidr.prefixLength() > 28) {
            throw new IllegalArgumentException(subnet + " is not an IPv4 VPC subnet (/16 to /28)");
        }
        return cidr.network().getLower().withoutPrefixLength().increment(1).toCanonicalString();
    }

    /** The link carrying {@code mac}; empty until the ENI has appeared on the node. */
    public Optional<String> linkOf(String mac) {
        return node.links().stream().filter(l -> l.mac().equalsIgnoreCase(mac)).map(Link::name).findFirst();
    }

    /**
     * Sets the ENI up; running it again changes nothing. Routes of the table that are not the ENI's (an earlier
     * ENI at the same device index) go first.
     *
     * @return the link's name, or empty when no link carries the MAC yet (EC2's hot-plug takes a moment)
     */
    public Optional<String> configure(Spec s) {
        Optional<String> link = linkOf(s.mac());
        link.ifPresent(l -> node.run(batch(s, l, node.tableRoutes(s.table()))));
        return link;
    }

    /** One batch: stale routes out, the link up at the MTU, the connected route, then the default (it needs the first). */
    IpBatch batch(Spec s, String link, List<Route> present) {
        IpBatch b = node.ipBatch();
        String table = Integer.toString(s.table());
        for (Route r : present) {
            boolean ours = r.dev().equals(link) && (r.dst().equals(Cidr.parse(s.subnet()).toString())
                    || r.dst().equals("default") && r.gateway().equals(s.gateway()));
            if (!ours) {
                b.add("route", "del", r.dst(), "table", table);
            }
        }
        b.add("link", "set", "dev", link, "mtu", Integer.toString(MTU), "up");
        b.add("route", "replace", Cidr.parse(s.subnet()).toString(), "dev", link, "scope", "link", "table", table);
        b.add("route", "replace", "default", "via", s.gateway(), "dev", link, "table", table);
        return b;
    }

    /** Empties the table of a detached ENI; an empty or missing table is not an error. */
    public void remove(int table) {
        node.run(removal(table, node.tableRoutes(table)));
    }

    IpBatch removal(int table, List<Route> present) {
        IpBatch b = node.ipBatch();
        List<Route> routes = new ArrayList<>(present);
        for (Route r : routes) {
            b.add("route", "del", r.dst(), "table", Integer.toString(table));
        }
        return b;
    }

    /** The routes of {@code table}, as a test or a status page shows them. */
    public List<Route> routes(int table) {
        return node.tableRoutes(table);
    }
}
