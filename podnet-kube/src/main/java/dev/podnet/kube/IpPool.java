package dev.podnet.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.Pool;
import dev.podnet.net.Cidr;
import dev.podnet.net.InvalidInputException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressSeqRange;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One {@code ippools.podnet.dev} object, validated. The spec is Spiderpool's SpiderIPPool v2beta1, field for field,
 * so a Spiderpool user's pools move by changing apiVersion and kind; podnet adds CIDR entries in {@code ips} and
 * {@code excludeIPs} and the {@code nodeSlot} field (a per-node slot planned ahead, claimed by a node writing its
 * name into {@code nodeName}).
 *
 * @param ips          the addresses the pool hands out as written; empty means the whole subnet
 * @param excludeIPs   addresses inside {@code ips} never handed out
 * @param isDefault    {@code spec.default}: a pool pods get when nothing names another
 * @param allocatedIPCount {@code status.allocatedIPCount} as last written, if any
 * @param totalIPCount {@code status.totalIPCount} as last written, if any
 */
public record IpPool(String name, Map<String, String> labels, int ipVersion, Cidr subnet,
                     List<IPAddressSeqRange> ips, List<IPAddressSeqRange> excludeIPs, Optional<IPAddress> gateway,
                     List<Route> routes, boolean isDefault, boolean disable, List<String> nodeName,
                     Optional<LabelSelector> nodeAffinity, List<String> namespaceName,
                     Optional<LabelSelector> namespaceAffinity, Optional<LabelSelector> podAffinity,
                     List<String> multusName, Optional<NodeSlot> nodeSlot,
                     OptionalLong allocatedIPCount, OptionalLong totalIPCount) {

    public static final String GROUP = "podnet.dev";
    public static final String VERSION = "v1";
    public static final String KIND = "IPPool";
    public static final String PLURAL = "ippools";
    /** The engine keeps a range's offsets in a long and hands out at most this many of one range (see IpRange). */
    private static final BigInteger ENGINE_SPAN = BigInteger.ONE.shiftLeft(62);

    /** One {@code spec.routes} entry: traffic to {@code dst} goes through {@code gw}. */
    public record Route(Cidr dst, IPAddress gw) {
    }

    /** podnet's {@code spec.nodeSlot}: the slot is for one node of this node group in this zone. */
    public record NodeSlot(String nodeGroup, String zone) {
    }

    public IpPool {
        labels = Map.copyOf(labels);
        ips = List.copyOf(ips);
        excludeIPs = List.copyOf(excludeIPs);
        routes = List.copyOf(routes);
        nodeName = List.copyOf(nodeName);
        namespaceName = List.copyOf(namespaceName);
        multusName = List.copyOf(multusName);
    }

    /** An IPPool as the API server holds it ({@code metadata}, {@code spec}, {@code status}). */
    public static IpPool fromJson(JsonNode object, String where) {
        String name = object.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            throw new InvalidInputException(where + ": an IPPool without metadata.name");
        }
        return new Reader(name, object).read();
    }

    /** Whether this pool is a planned slot that no node has claimed yet: nobody may allocate from it. */
    public boolean unclaimedSlot() {
        return nodeSlot.isPresent() && nodeName.isEmpty();
    }

    /**
     * The addresses to hand out: {@code ips} minus {@code excludeIPs}, the gateway, the network address and the
     * IPv4 broadcast address, as disjoint intervals in address order. Without a gateway the engine takes host-local's
     * default (network + 1) and never hands it out, so it is left out here as well and the counts stay true.
     */
    List<IPAddressSeqRange> usable() {
        IPAddress network = subnet.network().getLower().withoutPrefixLength();
        List<IPAddressSeqRange> minus = new ArrayList<>(excludeIPs);
        IPAddress gw = gateway.orElse(network.increment(1));
        minus.add(gw.spanWithRange(gw));
        minus.add(network.spanWithRange(network));
        if (ipVersion == 4) {
            IPAddress broadcast = subnet.network().getUpper().withoutPrefixLength();
            minus.add(broadcast.spanWithRange(broadcast));
        }
        List<IPAddressSeqRange> from = ips.isEmpty() ? List.of(subnet.network().toSequentialRange()) : ips;
        return AddressSpans.subtract(AddressSpans.union(from), minus);
    }

    /** The engine's ranges for {@link #usable()}, each with this pool's subnet and gateway. */
    public List<IpRange> ranges() {
        List<IpRange> ranges = new ArrayList<>();
        for (IPAddressSeqRange r : usable()) {
            IpRange.Builder b = IpRange.builder(subnet)
                    .rangeStart(r.getLower().withoutPrefixLength().toCanonicalString())
                    .rangeEnd(r.getUpper().withoutPrefixLength().toCanonicalString());
            gateway.ifPresent(g -> b.gateway(g.toCanonicalString()));
            ranges.add(build(b));
        }
        return ranges;
    }

    /** How many addresses the engine can hand out from this pool, for {@code status.totalIPCount}. */
    public long totalIps() {
        BigInteger total = BigInteger.ZERO;
        for (IPAddressSeqRange r : usable()) {
            total = total.add(r.getCount().min(ENGINE_SPAN));
        }
        return total.bitLength() < Long.SIZE ? total.longValue() : Long.MAX_VALUE;
    }

    /** The engine's pool: one range per usable interval. A pool with nothing left to hand out is refused. */
    public Pool enginePool() {
        List<IpRange> ranges = ranges();
        if (ranges.isEmpty()) {
            throw new InvalidInputException("IPPool \"" + name + "\": no address is left to hand out: spec.ips "
                    + texts(ips.isEmpty() ? List.of(subnet.network().toSequentialRange()) : ips)
                    + " are all excluded (spec.excludeIPs " + texts(excludeIPs) + ", the gateway, the network and "
                    + "broadcast addresses)");
        }
        try {
            return Pool.of(name, ranges.toArray(IpRange[]::new));
        } catch (IpamException e) {
            throw new InvalidInputException("IPPool \"" + name + "\": " + e.getMessage());
        }
    }

    private IpRange build(IpRange.Builder b) {
        try {
            return b.build();
        } catch (IpamException e) {
            throw new InvalidInputException("IPPool \"" + name + "\": " + e.getMessage());
        }
    }

    private static List<String> texts(List<IPAddressSeqRange> ranges) {
        return ranges.stream().map(AddressSpans::text).toList();
    }

    /** Reads one object's fields in order, each error naming the pool, the field and the value. */
    private static final class Reader {
        private final String name;
        private final JsonNode object;
        private final JsonNode spec;

        Reader(String name, JsonNode object) {
            this.name = name;
            this.object = object;
            this.spec = object.path("spec");
        }

        IpPool read() {
            if (!spec.isObject()) {
                throw invalid("spec", "is missing");
            }
            String subnetText = text("subnet").orElseThrow(() -> invalid("spec.subnet", "is missing"));
            Cidr subnet;
            try {
                subnet = Cidr.parse(subnetText);
            } catch (InvalidInputException e) {
                throw invalid("spec.subnet", e.getMessage());
            }
            int version = subnet.isIpv4() ? 4 : 6;
            JsonNode v = spec.path("ipVersion");
            if (!v.isMissingNode() && !v.isNull()) {
                if (!v.isIntegralNumber() || v.asInt() != 4 && v.asInt() != 6) {
                    throw invalid("spec.ipVersion", "must be 4 or 6, got " + v);
                }
                if (v.asInt() != version) {
                    throw invalid("spec.ipVersion", v + " does not match the subnet " + subnet + " (IPv" + version + ")");
                }
            }
            Optional<IPAddress> gateway = text("gateway").map(g -> inSubnet(
                    AddressSpans.address(g, version, where("spec.gateway")), subnet, "spec.gateway"));
            return new IpPool(name, labels(), version, subnet, spans("ips", subnet, version),
                    spans("excludeIPs", subnet, version), gateway, routes(version), bool("default"), bool("disable"),
                    strings("nodeName"), selector("nodeAffinity"), strings("namespaceName"),
                    selector("namespaceAffinity"), selector("podAffinity"), strings("multusName"), nodeSlot(),
                    count("allocatedIPCount"), count("totalIPCount"));
        }

        private String where(String field) {
            return "IPPool \"" + name + "\": " + field;
        }

        private InvalidInputException invalid(String field, String why) {
            return new InvalidInputException(where(field) + " " + why);
        }

        private IPAddress inSubnet(IPAddress a, Cidr subnet, String field) {
            if (!subnet.network().contains(a)) {
                throw invalid(field, "\"" + a.toCanonicalString() + "\" is not inside the subnet " + subnet);
            }
            return a;
        }

        private Map<String, String> labels() {
            Map<String, String> labels = new LinkedHashMap<>();
            object.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(),
                    e.getValue().asText()));
            return labels;
        }

        private Optional<String> text(String field) {
            JsonNode n = spec.path(field);
            if (n.isMissingNode() || n.isNull() || n.isTextual() && n.asText().isBlank()) {
                return Optional.empty();
            }
            if (!n.isTextual()) {
                throw invalid("spec." + field, "must be a string, got " + n);
            }
            return Optional.of(n.asText().strip());
        }

        private boolean bool(String field) {
            JsonNode n = spec.path(field);
            if (n.isMissingNode() || n.isNull()) {
                return false;
            }
            if (!n.isBoolean()) {
                throw invalid("spec." + field, "must be true or false, got " + n);
            }
            return n.asBoolean();
        }

        private List<String> strings(String field) {
            JsonNode n = spec.path(field);
            List<String> values = new ArrayList<>();
            if (n.isMissingNode() || n.isNull()) {
                return values;
            }
            if (!n.isArray()) {
                throw invalid("spec." + field, "must be a list of strings, got " + n);
            }
            for (int i = 0; i < n.size(); i++) {
                if (!n.get(i).isTextual() || n.get(i).asText().isBlank()) {
                    throw invalid("spec." + field + "[" + i + "]", "must be a non-empty string, got " + n.get(i));
                }
                values.add(n.get(i).asText().strip());
            }
            return values;
        }

        private List<IPAddressSeqRange> spans(String field, Cidr subnet, int version) {
            List<String> texts = strings(field);
            List<IPAddressSeqRange> spans = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                spans.add(AddressSpans.span(texts.get(i), subnet, version, where("spec." + field + "[" + i + "]")));
            }
            return spans;
        }

        private List<Route> routes(int version) {
            JsonNode n = spec.path("routes");
            List<Route> routes = new ArrayList<>();
            if (n.isMissingNode() || n.isNull()) {
                return routes;
            }
            if (!n.isArray()) {
                throw invalid("spec.routes", "must be a list of {dst, gw}, got " + n);
            }
            for (int i = 0; i < n.size(); i++) {
                String field = "spec.routes[" + i + "]";
                String dst = n.get(i).path("dst").asText("");
                Cidr cidr;
                try {
                    cidr = Cidr.parse(dst);
                } catch (InvalidInputException e) {
                    throw invalid(field + ".dst", e.getMessage());
                }
                if (cidr.isIpv4() != (version == 4)) {
                    throw invalid(field + ".dst", "\"" + dst + "\" is not an " + AddressSpans.family(version) + " CIDR");
                }
                routes.add(new Route(cidr, AddressSpans.address(n.get(i).path("gw").asText(""), version,
                        where(field + ".gw"))));
            }
            return routes;
        }

        private Optional<LabelSelector> selector(String field) {
            JsonNode n = spec.path(field);
            return n.isMissingNode() || n.isNull() ? Optional.empty()
                    : Optional.of(LabelSelector.fromJson(n, where("spec." + field)));
        }

        private Optional<NodeSlot> nodeSlot() {
            JsonNode n = spec.path("nodeSlot");
            if (n.isMissingNode() || n.isNull()) {
                return Optional.empty();
            }
            String group = n.path("nodeGroup").asText("");
            String zone = n.path("zone").asText("");
            if (!n.isObject() || group.isBlank() || zone.isBlank()) {
                throw invalid("spec.nodeSlot", "must name a nodeGroup and a zone, got " + n);
            }
            return Optional.of(new NodeSlot(group, zone));
        }

        private OptionalLong count(String field) {
            JsonNode n = object.path("status").path(field);
            return n.canConvertToLong() && n.asLong() >= 0 ? OptionalLong.of(n.asLong()) : OptionalLong.empty();
        }
    }
}
