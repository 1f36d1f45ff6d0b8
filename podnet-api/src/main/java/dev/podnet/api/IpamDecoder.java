package dev.podnet.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the "ipam" section and applies host-local's range rules (plugins/ipam/host-local/backend/allocator/range.go),
 * so a range that host-local would refuse is refused here too, with the path of the offending value:
 * a subnet must name a network with room for hosts, bounds and gateway must lie inside it, the ranges of one set
 * must share a family, and no two ranges anywhere may overlap (they would hand out the same address twice).
 */
final class IpamDecoder {
    /** Pairwise overlap checks are quadratic; real configurations have a handful of ranges. */
    static final int MAX_RANGES = 256;
    private static final String INVALID = "invalid network config";

    private IpamDecoder() {
    }

    /** Reads the ipam object whose START_OBJECT is current. */
    static NetConf.Ipam read(JsonIn in) {
        String type = null;
        String agentSocket = null;
        String pool = null;
        String dataDir = null;
        List<List<NetConf.IpRange>> ranges = new ArrayList<>();
        List<CniResult.Route> routes = List.of();
        // host-local's older flat form: one range given directly in the ipam section.
        String subnet = null;
        String rangeStart = null;
        String rangeEnd = null;
        String gateway = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "type" -> type = in.string();
                case "agentSocket" -> agentSocket = absolutePath(in);
                case "pool" -> pool = CniResult.emptyToNull(in.string());
                case "dataDir" -> dataDir = absolutePath(in);
                case "ranges" -> ranges = readRangeSets(in);
                case "routes" -> routes = ResultCodec.readRoutes(in);
                case "subnet" -> subnet = in.string();
                case "rangeStart" -> rangeStart = in.string();
                case "rangeEnd" -> rangeEnd = in.string();
                case "gateway" -> gateway = in.string();
                default -> in.skip();
            }
        }
        if (type == null || type.isEmpty()) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID, "type is required");
        }
        if (subnet != null) {
            NetConf.IpRange flat = new NetConf.IpRange(subnet, rangeStart, rangeEnd, gateway);
            validate(in, flat);
            ranges.add(0, List.of(flat));
        }
        checkOverlaps(in, ranges);
        return new NetConf.Ipam(type, agentSocket, pool, ranges, routes, dataDir);
    }

    private static List<List<NetConf.IpRange>> readRangeSets(JsonIn in) {
        List<List<NetConf.IpRange>> sets = new ArrayList<>();
        int count = 0;
        if (in.arrayOrNull()) {
            while (in.nextElement()) {
                if (!in.arrayOrNull()) {
                    throw in.typeError("an array of ranges");
                }
                List<NetConf.IpRange> set = new ArrayList<>();
                while (in.nextElement()) {
                    if (++count > MAX_RANGES) {
                        throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID,
                                "more than " + MAX_RANGES + " ranges");
                    }
                    set.add(readRange(in));
                }
                if (set.isEmpty()) {
                    throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID, "empty range set");
                }
                if (!sameFamily(set)) {
                    throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID,
                            "a range set mixes IPv4 and IPv6 subnets");
                }
                sets.add(set);
            }
        }
        return sets;
    }

    private static NetConf.IpRange readRange(JsonIn in) {
        String subnet = null;
        String rangeStart = null;
        String rangeEnd = null;
        String gateway = null;
        if (!in.objectOrNull("an object")) {
            throw in.typeError("a range object");
        }
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "subnet" -> subnet = in.string();
                case "rangeStart" -> rangeStart = in.string();
                case "rangeEnd" -> rangeEnd = in.string();
                case "gateway" -> gateway = in.string();
                default -> in.skip();
            }
        }
        if (subnet == null || subnet.isEmpty()) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID, "range has no subnet");
        }
        NetConf.IpRange range = new NetConf.IpRange(subnet, CniResult.emptyToNull(rangeStart),
                CniResult.emptyToNull(rangeEnd), CniResult.emptyToNull(gateway));
        validate(in, range);
        return range;
    }

    private static void validate(JsonIn in, NetConf.IpRange range) {
        IpText.Prefixed subnet = IpText.parsePrefixed(range.subnet());
        if (subnet == null) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID, "invalid CIDR \"" + range.subnet() + "\"");
        }
        if (!subnet.isNetwork()) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID,
                    "subnet " + range.subnet() + " has host bits set");
        }
        if (subnet.prefix() > subnet.address().length * 8 - 2) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID,
                    "network " + range.subnet() + " too small to allocate from");
        }
        byte[] start = inside(in, subnet, range.rangeStart(), "rangeStart");
        byte[] end = inside(in, subnet, range.rangeEnd(), "rangeEnd");
        inside(in, subnet, range.gateway(), "gateway");
        if (start != null && end != null && IpText.compare(start, end) > 0) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID,
                    "rangeStart " + range.rangeStart() + " is after rangeEnd " + range.rangeEnd());
        }
    }

    private static byte[] inside(JsonIn in, IpText.Prefixed subnet, String text, String what) {
        if (text == null) {
            return null;
        }
        byte[] address = IpText.parseAddress(text);
        if (address == null) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID, what + " \"" + text + "\" is not an IP address");
        }
        if (!subnet.contains(address)) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID, what + " " + text + " is not in the subnet");
        }
        return address;
    }

    /** The addresses a range can hand out: its bounds, or the subnet less network and (IPv4) broadcast. */
    private static byte[][] span(NetConf.IpRange range) {
        IpText.Prefixed subnet = IpText.parsePrefixed(range.subnet());
        byte[] start = range.rangeStart() != null ? IpText.parseAddress(range.rangeStart())
                : IpText.step(subnet.address(), 1);
        byte[] last = IpText.lastAddress(subnet);
        byte[] end = range.rangeEnd() != null ? IpText.parseAddress(range.rangeEnd())
                : subnet.isV4() ? IpText.step(last, -1) : last;
        return new byte[][] {start, end};
    }

    private static void checkOverlaps(JsonIn in, List<List<NetConf.IpRange>> sets) {
        List<NetConf.IpRange> all = new ArrayList<>();
        for (List<NetConf.IpRange> set : sets) {
            all.addAll(set);
        }
        List<byte[][]> spans = new ArrayList<>(all.size());
        for (NetConf.IpRange range : all) {
            spans.add(span(range));
        }
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                byte[][] a = spans.get(i);
                byte[][] b = spans.get(j);
                if (a[0].length == b[0].length && IpText.compare(a[0], b[1]) <= 0 && IpText.compare(b[0], a[1]) <= 0) {
                    throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID,
                            "ranges " + all.get(i).subnet() + " and " + all.get(j).subnet() + " overlap");
                }
            }
        }
    }

    private static boolean sameFamily(List<NetConf.IpRange> set) {
        boolean v6 = IpText.isV6Text(set.get(0).subnet());
        for (NetConf.IpRange range : set) {
            if (IpText.isV6Text(range.subnet()) != v6) {
                return false;
            }
        }
        return true;
    }

    private static String absolutePath(JsonIn in) {
        String path = CniResult.emptyToNull(in.string());
        if (path != null && (path.charAt(0) != '/' || path.indexOf('\0') >= 0)) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, INVALID, "\"" + path + "\" is not an absolute path");
        }
        return path;
    }
}
