package dev.podnet.linux;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * A pod attached the way aws-vpc-cni attaches it: a veth pair whose host end lives in the node's namespace (this
 * process's, or the one the agent was given with {@code --netns}) with a host route per pod address, and whose other end is the pod's interface with the address as a
 * host route (/32, /128) and a default route via a link-local gateway that is never resolved: a permanent neighbour
 * entry maps it to the host end's MAC, so no proxy ARP/NDP is needed. When the addresses belong to an ENI with its own
 * route table, policy rules send the pod's traffic out through that table, as aws-vpc-cni's do.
 *
 * <p>Each change is one {@code ip -batch} per namespace (plus {@code ip -6 -batch} for IPv6 rules); a failed
 * {@link #add} removes what it made before it throws.
 */
public final class RoutedVeth {
    /** The pod's IPv4 gateway: link-local, so it can never clash with a VPC address (aws-vpc-cni's choice). */
    public static final String GATEWAY_V4 = "169.254.1.1";
    /** The pod's IPv6 gateway, an address the host end carries itself so the pod needs no router advertisement. */
    public static final String GATEWAY_V6 = "fe80::1";
    /** aws-vpc-cni's priorities: "to pod" before everything, "from pod" before the main table's rule (32766). */
    public static final int TO_POD_PRIORITY = 512;
    public static final int FROM_POD_PRIORITY = 1536;

    /**
     * What to set up.
     *
     * @param hostMac   the host end's MAC, chosen up front so the pod's neighbour entry is in the same batch
     * @param alias     written as the host end's ifalias, so {@link #owned} can find the link again
     * @param addresses the pod's addresses without prefix length, of either family
     * @param table     the route table for traffic from the pod; empty means the main table and no "from pod" rule
     * @param scope     the destinations (CIDRs) the table is for, one rule each, as aws-vpc-cni scopes its rule to the
     *                  VPC's blocks when the node SNATs: traffic elsewhere takes the main table and leaves from the
     *                  primary ENI. An address whose family has none gets one rule for every destination.
     */
    public record Spec(NetNamespace pod, String ifName, String hostVeth, String hostMac, String alias,
                       OptionalInt mtu, List<String> addresses, OptionalInt table, List<String> scope) {
        public Spec {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("a pod needs an address");
            }
            scope = List.copyOf(scope);
        }

        public Spec(NetNamespace pod, String ifName, String hostVeth, String hostMac, String alias, OptionalInt mtu,
                    List<String> addresses, OptionalInt table) {
            this(pod, ifName, hostVeth, hostMac, alias, mtu, addresses, table, List.of());
        }

        /** The destinations of {@code address}'s rules from the pod: its family's scope, or everything (null). */
        List<String> destinations(String address) {
            List<String> same = scope.stream().filter(c -> ipv6(c) == ipv6(address)).toList();
            return same.isEmpty() ? Collections.singletonList(null) : same;
        }

        List<String> v4() {
            return addresses.stream().filter(a -> !ipv6(a)).toList();
        }

        List<String> v6() {
            return addresses.stream().filter(RoutedVeth::ipv6).toList();
        }
    }

    /** The two ends once they exist. */
    public record Attached(String hostMac, String podMac) {
    }

    private final Exec exec;
    private final Iproute host;
    /**
     * Where {@code ip link add ... netns TARGET} sends the host end, which is born in the pod's namespace: the node
     * namespace's name or path, or this process's pid when the node is the namespace this process runs in.
     */
    private final String hostTarget;

    /** The node is the namespace of process {@code hostPid}. */
    public RoutedVeth(Exec exec, long hostPid) {
        this.exec = exec;
        this.host = new Iproute(exec, NetNamespace.current());
        this.hostTarget = Long.toString(hostPid);
    }

    /** Host ends in {@code node}; {@link NetNamespace#current()} is this process's namespace. */
    public RoutedVeth(Exec exec, NetNamespace node) {
        this.exec = exec;
        this.host = new Iproute(exec, node);
        this.hostTarget = node.linkTarget();
    }

    /** The node's namespace, where the host ends, their routes and the rules are. */
    public NetNamespace node() {
        return host.netns();
    }

    /** Whether the host end exists: an attachment with this key is set up already. */
    public boolean hostEndExists(String hostVeth) {
        return host.link(hostVeth).isPresent();
    }

    /** Creates the pair and everything around it; on failure removes what it made and throws. */
    public Attached add(Spec s) {
        try {
            podBatch(s).run(exec);
            hostBatch(s).run(exec);
            IpBatch rules6 = rules(host.ip6Batch(), s, s.v6(), "add");
            rules6.run(exec);
            String podMac = new Iproute(exec, s.pod()).link(s.ifName()).map(Link::mac)
                    .orElseThrow(() -> new LinuxException(s.ifName() + " vanished from " + s.pod() + " while it was set up"));
            return new Attached(s.hostMac(), podMac);
        } catch (LinuxException e) {
            try {
                remove(s.hostVeth(), s.addresses());
            } catch (LinuxException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /** The pod's side, run in its namespace; the host end is sent to the node's (netns NAME, PATH or PID). */
    IpBatch podBatch(Spec s) {
        IpBatch b = IpBatch.ip(s.pod());
        List<String> link = new ArrayList<>(List.of("link", "add", s.ifName()));
        s.mtu().ifPresent(m -> link.addAll(List.of("mtu", Integer.toString(m))));
        link.addAll(List.of("type", "veth", "peer", "name", s.hostVeth()));
        s.mtu().ifPresent(m -> link.addAll(List.of("mtu", Integer.toString(m))));
        link.addAll(List.of("address", s.hostMac(), "netns", hostTarget));
        b.add(link.toArray(String[]::new));
        b.add("link", "set", s.ifName(), "up");
        for (String a : s.v4()) {
            b.add("addr", "add", a + "/32", "dev", s.ifName());
        }
        for (String a : s.v6()) {
            // The address is the pod's alone (the agent says so): duplicate detection would only delay it a second.
            b.add("addr", "add", a + "/128", "dev", s.ifName(), "nodad");
        }
        if (!s.v4().isEmpty()) {
            b.add("route", "add", GATEWAY_V4 + "/32", "dev", s.ifName(), "scope", "link");
            b.add("neigh", "add", GATEWAY_V4, "lladdr", s.hostMac(), "dev", s.ifName(), "nud", "permanent");
            b.add("route", "add", "0.0.0.0/0", "via", GATEWAY_V4, "dev", s.ifName());
        }
        if (!s.v6().isEmpty()) {
            b.add("neigh", "add", GATEWAY_V6, "lladdr", s.hostMac(), "dev", s.ifName(), "nud", "permanent");
            b.add("route", "add", "::/0", "via", GATEWAY_V6, "dev", s.ifName());
        }
        return b;
    }

    /** The node's side: the host end up, a host route per address, and the rules of an ENI table. */
    IpBatch hostBatch(Spec s) {
        IpBatch b = host.ipBatch();
        b.add("link", "set", s.hostVeth(), "up", "alias", s.alias());
        if (!s.v6().isEmpty()) {
            b.add("addr", "add", GATEWAY_V6 + "/64", "dev", s.hostVeth(), "nodad");
        }
        for (String a : s.v4()) {
            b.add("route", "add", a + "/32", "dev", s.hostVeth(), "scope", "link");
        }
        for (String a : s.v6()) {
            b.add("route", "add", a + "/128", "dev", s.hostVeth());
        }
        return rules(b, s, s.v4(), "add");
    }

    /**
     * "To pod" for every pod, as aws-vpc-cni adds it: a packet for a pod on the main table's ENI may arrive from the
     * VPC with the source of a pod on a secondary ENI of the same node, whose "from pod" rule would otherwise send it
     * straight back out. "From pod" only for pods whose addresses live on a secondary ENI.
     */
    private static IpBatch rules(IpBatch b, Spec s, List<String> addresses, String verb) {
        for (String a : addresses) {
            String host = a + (ipv6(a) ? "/128" : "/32");
            b.add("rule", verb, "to", host, "lookup", "main", "priority", Integer.toString(TO_POD_PRIORITY));
            if (s.table().isEmpty()) {
                continue;
            }
            String table = Integer.toString(s.table().getAsInt());
            for (String to : s.destinations(a)) {
                List<String> words = new ArrayList<>(List.of("rule", verb, "from", host));
                if (to != null) {
                    words.addAll(List.of("to", to));
                }
                words.addAll(List.of("lookup", table, "priority", Integer.toString(FROM_POD_PRIORITY)));
                b.add(words.toArray(String[]::new));
            }
        }
        return b;
    }

    /**
     * Removes the host end (and so the pair and its host routes) and every rule of the pod's addresses: the given
     * ones and those the host end still routes to. Whatever is already gone is skipped, so it can run any number
     * of times, also after the pod's namespace is gone.
     */
    public void remove(String hostVeth, List<String> addresses) {
        Set<String> all = new LinkedHashSet<>(addresses);
        if (host.link(hostVeth).isPresent()) {
            all.addAll(hostRoutes(hostVeth));
            host.ipBatch().add("link", "del", hostVeth).run(exec);
        }
        podRuleDeletes(host.ipBatch(), all.stream().filter(a -> !ipv6(a)).toList()).deleteUntilGone(exec);
        podRuleDeletes(host.ip6Batch(), all.stream().filter(RoutedVeth::ipv6).toList()).deleteUntilGone(exec);
    }

    /** The pod addresses the host end routes to (its /32 and /128 routes). */
    private List<String> hostRoutes(String hostVeth) {
        List<String> out = new ArrayList<>();
        for (boolean v6 : new boolean[] {false, true}) {
            for (Route r : host.routes(hostVeth, v6)) {
                if (!r.dst().contains("/") && !r.dst().equals("default")) {
                    out.add(r.dst());
                }
            }
        }
        return out;
    }

    /**
     * Deletes of the rules this class makes for the addresses, "to pod" at 512 and "from pod" at 1536, whatever
     * their table and scope: each line deletes one rule the kernel matches (see {@link IpBatch#deleteUntilGone}).
     */
    static IpBatch podRuleDeletes(IpBatch b, List<String> addresses) {
        for (String a : addresses) {
            String host = a + (ipv6(a) ? "/128" : "/32");
            b.add("rule", "del", "to", host, "priority", Integer.toString(TO_POD_PRIORITY));
            b.add("rule", "del", "from", host, "priority", Integer.toString(FROM_POD_PRIORITY));
        }
        return b;
    }

    /** What of {@code s} is missing or different, each as one sentence naming it; empty when all is in place. */
    public List<String> problems(Spec s) {
        List<String> problems = new ArrayList<>();
        Optional<Link> hostEnd = host.link(s.hostVeth());
        if (hostEnd.isEmpty()) {
            problems.add("the host veth " + s.hostVeth() + " does not exist");
        }
        if (!s.pod().exists()) {
            problems.add("the network namespace " + s.pod() + " does not exist");
            return problems;
        }
        Iproute pod = new Iproute(exec, s.pod());
        if (pod.link(s.ifName()).isEmpty()) {
            problems.add("interface " + s.ifName() + " does not exist in " + s.pod());
            return problems;
        }
        Set<String> have = new LinkedHashSet<>();
        pod.addresses(s.ifName()).forEach(a -> have.add(a.cidr()));
        for (String a : s.addresses()) {
            String want = a + (ipv6(a) ? "/128" : "/32");
            if (!have.contains(want)) {
                problems.add("address " + want + " is missing on " + s.ifName() + " in " + s.pod());
            }
        }
        String mac = hostEnd.map(Link::mac).orElse(s.hostMac());
        checkGateway(pod, s, false, GATEWAY_V4, mac, s.v4(), problems);
        checkGateway(pod, s, true, GATEWAY_V6, mac, s.v6(), problems);
        if (hostEnd.isPresent()) {
            List<String> routed = hostRoutes(s.hostVeth());
            for (String a : s.addresses()) {
                if (!routed.contains(a)) {
                    problems.add("the host route " + a + (ipv6(a) ? "/128" : "/32") + " dev " + s.hostVeth() + " is missing");
                }
            }
        }
        checkRules(host.rules(false), s, s.v4(), problems);
        if (!s.v6().isEmpty()) {
            checkRules(host.rules(true), s, s.v6(), problems);
        }
        return problems;
    }

    private static void checkGateway(Iproute pod, Spec s, boolean v6, String gateway, String mac, List<String> of,
                                     List<String> problems) {
        if (of.isEmpty()) {
            return;
        }
        boolean route = pod.routes(s.ifName(), v6).stream()
                .anyMatch(r -> r.dst().equals("default") && r.gateway().equals(gateway));
        if (!route) {
            problems.add("the default route via " + gateway + " is missing in " + s.pod());
        }
        boolean neighbour = pod.neighbours(s.ifName(), v6).stream()
                .anyMatch(n -> n.dst().equals(gateway) && n.permanent() && n.lladdr().equalsIgnoreCase(mac));
        if (!neighbour) {
            problems.add("the permanent neighbour " + gateway + " lladdr " + mac + " is missing in " + s.pod());
        }
    }

    static void checkRules(List<Rule> rules, Spec s, List<String> addresses, List<String> problems) {
        String table = s.table().isPresent() ? Integer.toString(s.table().getAsInt()) : "";
        for (String a : addresses) {
            String length = ipv6(a) ? "/128" : "/32";
            for (String dst : s.table().isPresent() ? s.destinations(a) : List.<String>of()) {
                String selector = dst == null ? "" : dst;
                boolean from = rules.stream().anyMatch(r -> r.priority() == FROM_POD_PRIORITY && r.src().equals(a)
                        && (r.dst().isEmpty() ? "" : r.dst() + "/" + r.dstLength()).equals(selector)
                        && r.table().equals(table));
                if (!from) {
                    problems.add("the ip rule from " + a + length + (dst == null ? "" : " to " + dst) + " lookup "
                            + table + " priority " + FROM_POD_PRIORITY + " is missing");
                }
            }
            boolean to = rules.stream().anyMatch(r -> r.priority() == TO_POD_PRIORITY && r.dst().equals(a)
                    && r.table().equals("main"));
            if (!to) {
                problems.add("the ip rule to " + a + length + " lookup main priority " + TO_POD_PRIORITY + " is missing");
            }
        }
    }

    /** The host ends this class made, by the alias they were given: what GC compares with the runtime's list. */
    public Map<String, String> owned(String aliasPrefix) {
        Map<String, String> out = new TreeMap<>();
        for (Link l : host.links()) {
            l.alias().filter(a -> a.startsWith(aliasPrefix)).ifPresent(a -> out.put(a, l.name()));
        }
        return out;
    }

    static boolean ipv6(String address) {
        return address.contains(":");
    }
}
