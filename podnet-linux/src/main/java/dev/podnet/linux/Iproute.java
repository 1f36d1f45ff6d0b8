package dev.podnet.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.function.Function;

/**
 * The kernel's network state of one namespace, read with iproute2's JSON output, and changed only through batches
 * ({@link #ipBatch}, {@link #bridgeBatch}) and {@link #sysctl(String, String)}. Readers exist for what a reconciler
 * compares against (links, addresses, neighbours, FDB entries, routes); they never change anything.
 */
public final class Iproute {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Exec exec;
    private final NetNamespace netns;

    public Iproute(Exec exec, NetNamespace netns) {
        this.exec = exec;
        this.netns = netns;
    }

    public NetNamespace netns() {
        return netns;
    }

    public IpBatch ipBatch() {
        return IpBatch.ip(netns);
    }

    /** A batch run as {@code ip -6}, for what a batch line cannot say per line (IPv6 rules). */
    public IpBatch ip6Batch() {
        return IpBatch.ip6(netns);
    }

    public IpBatch bridgeBatch() {
        return IpBatch.bridge(netns);
    }

    /** Runs a batch built by {@link #ipBatch} or {@link #bridgeBatch}. */
    public void run(IpBatch batch) {
        batch.run(exec);
    }

    /** The link named {@code name}, with its details (kind, VXLAN settings); empty if there is none. */
    public Optional<Link> link(String name) {
        Exec.Result r = exec.run(ipArgv("-j", "-d", "link", "show", "dev", name), "");
        if (!r.ok() && r.err().contains("does not exist")) {
            return Optional.empty();
        }
        List<Link> links = parse(r, "ip -j -d link show dev " + name, Link::from);
        return links.stream().findFirst();
    }

    /** Every link of the namespace. */
    public List<Link> links() {
        return show(Link::from, "-j", "-d", "link", "show");
    }

    /** The addresses of link {@code dev} (both families). */
    public List<Address> addresses(String dev) {
        String what = "ip -j addr show dev " + dev;
        List<Address> out = new ArrayList<>();
        for (JsonNode link : json(exec.run(ipArgv("-j", "addr", "show", "dev", dev), ""), what)) {
            link.path("addr_info").forEach(a -> out.add(Address.from(a)));
        }
        return out;
    }

    /** The IPv4 neighbour entries of link {@code dev}. */
    public List<Neighbour> neighbours(String dev) {
        return neighbours(dev, false);
    }

    /** The neighbour entries of link {@code dev} of one family. */
    public List<Neighbour> neighbours(String dev, boolean ipv6) {
        return show(Neighbour::from, "-j", family(ipv6), "neigh", "show", "dev", dev);
    }

    /** The policy routing rules of one family, in priority order. */
    public List<Rule> rules(boolean ipv6) {
        return show(Rule::from, "-j", family(ipv6), "rule", "show");
    }

    /** The forwarding-database entries of link {@code dev} ({@code bridge -j fdb show dev DEV}). */
    public List<FdbEntry> fdb(String dev) {
        List<String> argv = netns.iproute("bridge");
        argv.addAll(List.of("-j", "fdb", "show", "dev", dev));
        return parse(exec.run(argv, ""), "bridge -j fdb show dev " + dev, FdbEntry::from);
    }

    /** The IPv4 routes of the main table through link {@code dev}. */
    public List<Route> routes(String dev) {
        return routes(dev, false);
    }

    /** The routes of one family of the main table through link {@code dev}. */
    public List<Route> routes(String dev, boolean ipv6) {
        return show(Route::from, "-j", family(ipv6), "route", "show", "dev", dev);
    }

    /**
     * The IPv4 routes of route table {@code table}, empty when it has none (read from {@code table all}: asking for
     * a table the kernel has not created yet is an error).
     */
    public List<Route> tableRoutes(int table) {
        String name = Integer.toString(table);
        List<Route> out = new ArrayList<>();
        for (JsonNode j : json(exec.run(ipArgv("-j", "-4", "route", "show", "table", "all"), ""),
                "ip -j -4 route show table all")) {
            if (j.path("table").asText("main").equals(name)) {
                out.add(Route.from(j));
            }
        }
        return out;
    }

    /** The device of the IPv4 default route, if there is one: where flannel sends VXLAN traffic by default. */
    public Optional<String> defaultRouteDevice() {
        return show(Route::from, "-j", "-4", "route", "show", "default").stream().map(Route::dev)
                .filter(d -> !d.isEmpty()).findFirst();
    }

    /**
     * Sets a sysctl in this namespace ({@code net.*} keys are per namespace). Interface names containing dots are
     * written with slashes, as sysctl(8) expects: {@code net.ipv6.conf.flannel/1.accept_ra}.
     */
    public void sysctl(String key, String value) {
        checkKey(key);
        checkValue(value);
        Exec.Result r = exec.run(netns.exec(List.of("sysctl", "-q", "-w", key + "=" + value)), "");
        if (!r.ok()) {
            throw new LinuxException("sysctl -w " + key + "=" + value + " in " + netns + " (exit " + r.exit() + "): "
                    + r.err().strip());
        }
    }

    /** Sets several sysctls of this namespace with one process; fails if any of them could not be set. */
    public void sysctls(SequencedMap<String, String> values) {
        List<String> command = new ArrayList<>(List.of("sysctl", "-q", "-w"));
        values.forEach((key, value) -> {
            checkKey(key);
            checkValue(value);
            command.add(key + "=" + value);
        });
        Exec.Result r = exec.run(netns.exec(command), "");
        if (!r.ok() || !r.err().isBlank()) {
            throw new LinuxException("sysctl -w " + values + " in " + netns + " (exit " + r.exit() + "): " + r.err().strip());
        }
    }

    /** Reads a sysctl of this namespace. */
    public String sysctl(String key) {
        checkKey(key);
        Exec.Result r = exec.run(netns.exec(List.of("sysctl", "-n", key)), "");
        if (!r.ok()) {
            throw new LinuxException("sysctl -n " + key + " in " + netns + " (exit " + r.exit() + "): " + r.err().strip());
        }
        return r.out().strip();
    }

    private static void checkValue(String value) {
        if (!value.matches("[A-Za-z0-9 ._-]+")) {
            throw new IllegalArgumentException("\"" + value + "\" is not a sysctl value podnet writes");
        }
    }

    private static void checkKey(String key) {
        if (!key.matches("[A-Za-z0-9_./-]+")) {
            throw new IllegalArgumentException("\"" + key + "\" is not a sysctl key");
        }
    }

    private List<String> ipArgv(String... args) {
        List<String> argv = netns.iproute("ip");
        argv.addAll(List.of(args));
        return argv;
    }

    private static String family(boolean ipv6) {
        return ipv6 ? "-6" : "-4";
    }

    /** {@code ip WORDS...} in this namespace, one element per entry of its JSON array. */
    private <T> List<T> show(Function<JsonNode, T> element, String... words) {
        return parse(exec.run(ipArgv(words), ""), "ip " + String.join(" ", words), element);
    }

    private <T> List<T> parse(Exec.Result r, String what, Function<JsonNode, T> element) {
        List<T> out = new ArrayList<>();
        json(r, what).forEach(j -> out.add(element.apply(j)));
        return out;
    }

    private JsonNode json(Exec.Result r, String what) {
        if (!r.ok()) {
            throw new LinuxException(what + " in " + netns + " (exit " + r.exit() + "): " + r.err().strip());
        }
        String text = r.out().strip();
        if (text.isEmpty()) {
            return JSON.createArrayNode(); // some iproute2 versions print nothing instead of [] for an empty table
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isArray()) {
                throw new LinuxException(what + " in " + netns + " printed JSON that is not an array: " + abbreviate(text));
            }
            return node;
        } catch (IOException e) {
            throw new LinuxException(what + " in " + netns + " printed something that is not JSON: " + abbreviate(text), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
