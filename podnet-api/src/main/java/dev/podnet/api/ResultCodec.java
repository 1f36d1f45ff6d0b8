package dev.podnet.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON for {@link CniResult} in every supported version.
 * Writing follows the version's schema: "version" on each IP before 1.0.0, the 1.1.0 interface and route fields
 * only from 1.1.0 (libcni copies route extras into older versions because its Go types are shared; we follow the
 * spec text, under which those keys do not exist before 1.1.0). Reading accepts any version's shape, because a
 * prevResult arrives in whatever version the runtime speaks and Go ignores keys it does not know.
 * Field order matches libcni's struct order so outputs can be compared byte for byte.
 */
public final class ResultCodec {
    private ResultCodec() {
    }

    /** The result as the given version prints it, on one line. */
    public static byte[] encode(CniResult result, String version) {
        try (JsonOut out = new JsonOut()) {
            write(out, result, version);
            return out.toBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a standalone result; a missing cniVersion means {@code defaultVersion}. */
    public static CniResult decode(byte[] json, String defaultVersion) {
        try (JsonIn in = JsonIn.openObject(json, 0, json.length)) {
            CniResult result = read(in, defaultVersion);
            in.finish();
            return result;
        }
    }

    static void write(JsonOut out, CniResult result, String version) throws IOException {
        CniResult r = result.restrictTo(version);
        boolean labelled = CniVersion.labelsIpVersion(version);
        out.startObject();
        out.string("cniVersion", version);
        if (!r.interfaces().isEmpty()) {
            out.field("interfaces");
            out.gen.writeStartArray();
            for (CniResult.Interface i : r.interfaces()) {
                out.startObject();
                out.string("name", i.name());
                out.stringIfPresent("mac", i.mac());
                out.numberIfPresent("mtu", i.mtu());
                out.stringIfPresent("sandbox", i.sandbox());
                out.stringIfPresent("socketPath", i.socketPath());
                out.stringIfPresent("pciID", i.pciId());
                out.endObject();
            }
            out.gen.writeEndArray();
        }
        if (!r.ips().isEmpty()) {
            out.field("ips");
            out.gen.writeStartArray();
            for (CniResult.IpConfig ip : r.ips()) {
                out.startObject();
                if (labelled) {
                    out.string("version", ip.ipVersion());
                }
                out.numberIfPresent("interface", ip.interfaceIndex());
                out.string("address", ip.address());
                out.stringIfPresent("gateway", ip.gateway());
                out.endObject();
            }
            out.gen.writeEndArray();
        }
        if (!r.routes().isEmpty()) {
            out.field("routes");
            writeRoutes(out, r.routes());
        }
        if (!r.dns().isEmpty()) {
            out.field("dns");
            writeDns(out, r.dns());
        }
        out.endObject();
    }

    static void writeRoutes(JsonOut out, List<CniResult.Route> routes) throws IOException {
        out.gen.writeStartArray();
        for (CniResult.Route route : routes) {
            out.startObject();
            out.string("dst", route.dst());
            out.stringIfPresent("gw", route.gw());
            out.numberIfPresent("mtu", route.mtu());
            out.numberIfPresent("advmss", route.advmss());
            out.numberIfPresent("priority", route.priority());
            out.numberIfPresent("table", route.table());
            out.numberIfPresent("scope", route.scope());
            out.endObject();
        }
        out.gen.writeEndArray();
    }

    static void writeDns(JsonOut out, CniResult.Dns dns) throws IOException {
        out.startObject();
        out.stringsIfPresent("nameservers", dns.nameservers());
        out.stringIfPresent("domain", dns.domain());
        out.stringsIfPresent("search", dns.search());
        out.stringsIfPresent("options", dns.options());
        out.endObject();
    }

    /** A decoded result and whether it named its own cniVersion (else it was labelled with the default). */
    record Decoded(CniResult result, boolean versioned) {
    }

    /** Reads the result object whose START_OBJECT is current. */
    static CniResult read(JsonIn in, String defaultVersion) {
        return readDecoded(in, defaultVersion).result();
    }

    static Decoded readDecoded(JsonIn in, String defaultVersion) {
        String version = null;
        List<CniResult.Interface> interfaces = new ArrayList<>();
        List<CniResult.IpConfig> ips = new ArrayList<>();
        List<CniResult.Route> routes = new ArrayList<>();
        CniResult.Dns dns = CniResult.Dns.EMPTY;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "cniVersion" -> version = in.string();
                case "interfaces" -> {
                    if (in.arrayOrNull()) {
                        while (in.nextElement()) {
                            interfaces.add(readInterface(in));
                        }
                    }
                }
                case "ips" -> {
                    if (in.arrayOrNull()) {
                        while (in.nextElement()) {
                            ips.add(readIp(in));
                        }
                    }
                }
                case "routes" -> routes = readRoutes(in);
                case "dns" -> dns = readDns(in);
                default -> in.skip();
            }
        }
        boolean versioned = version != null && !version.isEmpty();
        if (!versioned) {
            // Results before 1.0.0 may omit cniVersion; libcni then takes the configuration's.
            version = defaultVersion;
        } else if (!CniVersion.isSupported(version)) {
            throw in.invalid(CniException.INCOMPATIBLE_VERSION, "incompatible CNI versions",
                    "result cniVersion \"" + version + "\" is not one of " + String.join(", ", CniVersion.SUPPORTED));
        }
        return new Decoded(new CniResult(version, interfaces, ips, routes, dns), versioned);
    }

    static List<CniResult.Route> readRoutes(JsonIn in) {
        List<CniResult.Route> routes = new ArrayList<>();
        if (in.arrayOrNull()) {
            while (in.nextElement()) {
                routes.add(readRoute(in));
            }
        }
        return routes;
    }

    static CniResult.Dns readDns(JsonIn in) {
        List<String> nameservers = List.of();
        String domain = null;
        List<String> search = List.of();
        List<String> options = List.of();
        if (in.objectOrNull("an object")) {
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                switch (field) {
                    case "nameservers" -> nameservers = in.strings();
                    case "domain" -> domain = in.string();
                    case "search" -> search = in.strings();
                    case "options" -> options = in.strings();
                    default -> in.skip();
                }
            }
        }
        return new CniResult.Dns(nameservers, domain, search, options);
    }

    private static CniResult.Interface readInterface(JsonIn in) {
        String name = null;
        String mac = null;
        Integer mtu = null;
        String sandbox = null;
        String socketPath = null;
        String pciId = null;
        if (!in.objectOrNull("an object")) {
            throw in.typeError("an object");
        }
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "name" -> name = in.string();
                case "mac" -> mac = in.string();
                case "mtu" -> mtu = in.integer();
                case "sandbox" -> sandbox = in.string();
                case "socketPath" -> socketPath = in.string();
                case "pciID" -> pciId = in.string();
                default -> in.skip();
            }
        }
        if (name == null) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, "invalid result", "interface has no name");
        }
        try {
            return new CniResult.Interface(name, mac, mtu, sandbox, socketPath, pciId);
        } catch (IllegalArgumentException e) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, "invalid result", e.getMessage());
        }
    }

    private static CniResult.IpConfig readIp(JsonIn in) {
        String label = null;
        String address = null;
        String gateway = null;
        Integer index = null;
        if (!in.objectOrNull("an object")) {
            throw in.typeError("an object");
        }
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "version" -> label = in.string();
                case "address" -> address = in.string();
                case "gateway" -> gateway = in.string();
                case "interface" -> index = in.integer();
                default -> in.skip();
            }
        }
        if (address == null) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, "invalid result", "ip has no address");
        }
        CniResult.IpConfig ip;
        try {
            ip = new CniResult.IpConfig(address, gateway, index);
        } catch (IllegalArgumentException e) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, "invalid result", e.getMessage());
        }
        // The spec requires every address to be valid for the labelled version; a mismatch means a corrupt result.
        if (label != null && !label.isEmpty() && !label.equals(ip.ipVersion())) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, "invalid result",
                    "version \"" + label + "\" does not match address " + address);
        }
        return ip;
    }

    static CniResult.Route readRoute(JsonIn in) {
        String dst = null;
        String gw = null;
        Integer mtu = null;
        Integer advmss = null;
        Integer priority = null;
        Integer table = null;
        Integer scope = null;
        if (!in.objectOrNull("an object")) {
            throw in.typeError("an object");
        }
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "dst" -> dst = in.string();
                case "gw" -> gw = in.string();
                case "mtu" -> mtu = in.integer();
                case "advmss" -> advmss = in.integer();
                case "priority" -> priority = in.integer();
                case "table" -> table = in.integer();
                case "scope" -> scope = in.integer();
                default -> in.skip();
            }
        }
        if (dst == null) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, "invalid route", "route has no dst");
        }
        try {
            return new CniResult.Route(dst, gw, mtu, advmss, priority, table, scope);
        } catch (IllegalArgumentException e) {
            throw in.invalid(CniException.INVALID_NETWORK_CONFIG, "invalid route", e.getMessage());
        }
    }
}
