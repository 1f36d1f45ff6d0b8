package dev.podnet.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A pod attached as Spiderpool attaches it on AWS: an ipvlan link in L2 mode on the ENI that holds the pod's
 * addresses, so the pod's packets leave through that ENI with its MAC, the only one EC2 accepts there, and the VPC
 * routes them natively; the pod has its addresses with their subnet's prefix length and a default route via the
 * subnet's gateway. The node keeps nothing of the pod: deleting the link (or the pod's namespace) removes it all.
 *
 * <p>The link is made from the node's namespace straight into the pod's under a temporary name, then renamed there:
 * it never exists on the node, and the pod's interface name (eth0) is often a node link's name too, which a kernel
 * that looks the new name up in the requesting namespace refuses (the reference ipvlan plugin renames for the same reason). The kernel's error, when it has no ipvlan, is
 * {@code Error: Unknown device type.}, quoted in the {@link LinuxException}.
 */
public final class IpvlanLink {
    /**
     * What to set up.
     *
     * @param tmpName   the link's name until it is in the pod's namespace; derived from the attachment's key, so a
     *                  DEL after a crash between the two steps finds it
     * @param master    the node's link that carries the pod's addresses (an ENI)
     * @param addresses the pod's addresses with their prefix length, of either family
     */
    public record Spec(NetNamespace pod, String ifName, String tmpName, String master, OptionalInt mtu,
                       List<String> addresses, List<Via> routes) {
        public Spec {
            Link.checkName(ifName);
            Link.checkName(tmpName);
            Link.checkName(master);
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("a pod needs an address");
            }
            routes = List.copyOf(routes);
        }
    }

    /**
     * A route in the pod.
     *
     * @param dst     a CIDR
     * @param gateway empty for a route on the link
     */
    public record Via(String dst, String gateway) {
        /** {@code dst} as {@code ip -j route} prints it: "default", a bare address for a host route, or the CIDR. */
        String shown() {
            String length = dst.substring(dst.indexOf('/') + 1);
            if (length.equals("0")) {
                return "default";
            }
            return length.equals("32") || length.equals("128") ? dst.substring(0, dst.indexOf('/')) : dst;
        }

        @Override
        public String toString() {
            return dst + (gateway.isEmpty() ? "" : " via " + gateway);
        }
    }

    private final Exec exec;
    private final Iproute node;

    /** @param node the namespace the masters are in (the node's) */
    public IpvlanLink(Exec exec, NetNamespace node) {
        this.exec = exec;
        this.node = new Iproute(exec, node);
    }

    /**
     * The link of route table {@code table}'s default route (an ENI's table, as {@link EniRouting} fills it), or of
     * the main table's (the primary ENI) when there is no table; empty when the table has no default route.
     */
    public Optional<String> master(OptionalInt table) {
        if (table.isEmpty()) {
            return node.defaultRouteDevice();
        }
        return node.tableRoutes(table.getAsInt()).stream().filter(r -> r.dst().equals("default")).map(Route::dev)
                .filter(d -> !d.isEmpty()).findFirst();
    }

    /** Whether {@code pod} has a link named {@code ifName}. */
    public boolean exists(NetNamespace pod, String ifName) {
        return new Iproute(exec, pod).link(ifName).isPresent();
    }

    /**
     * Creates the link and sets it up in the pod; on failure removes what it made and throws.
     *
     * @return the MAC of the pod's interface (the master's: ipvlan shares it)
     */
    public String add(Spec s) {
        try {
            nodeBatch(s).run(exec);
            podBatch(s).run(exec);
            return new Iproute(exec, s.pod()).link(s.ifName()).map(Link::mac)
                    .orElseThrow(() -> new LinuxException(s.ifName() + " vanished from " + s.pod() + " while it was set up"));
        } catch (LinuxException e) {
            try {
                remove(s.pod(), s.ifName(), s.tmpName());
            } catch (LinuxException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /** Run in the node's namespace: the link on the master, born in the pod's namespace. */
    IpBatch nodeBatch(Spec s) {
        List<String> words = new ArrayList<>(List.of("link", "add", "link", s.master(), "name", s.tmpName()));
        s.mtu().ifPresent(m -> words.addAll(List.of("mtu", Integer.toString(m))));
        words.addAll(List.of("netns", s.pod().linkTarget(), "type", "ipvlan", "mode", "l2"));
        return node.ipBatch().add(words.toArray(String[]::new));
    }

    /** Run in the pod's namespace: the link renamed and up, its addresses, its routes. */
    IpBatch podBatch(Spec s) {
        IpBatch b = IpBatch.ip(s.pod());
        b.add("link", "set", s.tmpName(), "name", s.ifName());
        b.add("link", "set", s.ifName(), "up");
        for (String a : s.addresses()) {
            if (RoutedVeth.ipv6(a)) {
                // The address is the pod's alone (IPAM says so): duplicate detection would only delay it a second.
                b.add("addr", "add", a, "dev", s.ifName(), "nodad");
            } else {
                b.add("addr", "add", a, "dev", s.ifName());
            }
        }
        for (Via r : s.routes()) {
            List<String> words = new ArrayList<>(List.of("route", "add", r.dst()));
            if (!r.gateway().isEmpty()) {
                words.addAll(List.of("via", r.gateway()));
            }
            words.addAll(List.of("dev", s.ifName()));
            b.add(words.toArray(String[]::new));
        }
        return b;
    }

    /**
     * Removes the pod's interface and a temporary link left by a failed ADD; what is already gone (the namespace
     * too) is skipped, so it can run any number of times.
     */
    public void remove(NetNamespace pod, String ifName, String tmpName) {
        if (!pod.exists()) {
            return;
        }
        Iproute in = new Iproute(exec, pod);
        IpBatch b = in.ipBatch();
        for (String name : List.of(ifName, tmpName)) {
            if (in.link(name).isPresent()) {
                b.add("link", "del", name);
            }
        }
        b.run(exec);
    }

    /** What of {@code s} is missing or different in the pod, each as one sentence naming it; empty when all is in place. */
    public List<String> problems(Spec s) {
        if (!s.pod().exists()) {
            return List.of("the network namespace " + s.pod() + " does not exist");
        }
        Iproute pod = new Iproute(exec, s.pod());
        Optional<Link> link = pod.link(s.ifName());
        if (link.isEmpty()) {
            return List.of("interface " + s.ifName() + " does not exist in " + s.pod());
        }
        List<String> problems = new ArrayList<>();
        String where = s.ifName() + " in " + s.pod();
        if (!link.get().kind().equals(Optional.of("ipvlan"))) {
            problems.add(where + " is not an ipvlan link (" + link.get().kind().orElse("no kind") + ")");
        }
        if (!link.get().up()) {
            problems.add(where + " is down");
        }
        Set<String> have = pod.addresses(s.ifName()).stream().map(Address::cidr).collect(Collectors.toSet());
        for (String a : s.addresses()) {
            if (!have.contains(a)) {
                problems.add("address " + a + " is missing on " + where);
            }
        }
        for (Via r : s.routes()) {
            boolean present = pod.routes(s.ifName(), RoutedVeth.ipv6(r.dst())).stream()
                    .anyMatch(x -> x.dst().equals(r.shown()) && x.gateway().equals(r.gateway()));
            if (!present) {
                problems.add("the route " + r + " is missing on " + where);
            }
        }
        return problems;
    }
}
