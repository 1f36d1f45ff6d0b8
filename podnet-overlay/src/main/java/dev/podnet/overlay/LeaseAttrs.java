package dev.podnet.overlay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.net.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * A lease's value, in flannel's exact shape (flannel's {@code lease.LeaseAttrs}):
 * {@code {"PublicIP":"192.168.1.5","BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"aa:bb:cc:dd:ee:ff"}}}.
 * Members are written in flannel's order; PublicIPv6 and BackendV6Data only when set. Reading is as lenient as Go's
 * decoder: any case for member names, {@code "PublicIPv6":null} (what flannel writes for a node without IPv6),
 * unknown members ignored.
 *
 * @param backendData   kept as JSON, since another backend's data has its own shape; see {@link #vxlan()}
 * @param backendV6Data the same for IPv6
 */
public record LeaseAttrs(String publicIp, Optional<String> publicIpv6, String backendType, Optional<JsonNode> backendData,
                         Optional<JsonNode> backendV6Data) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public LeaseAttrs {
        Ipv4Net.parseAddress(publicIp);
        backendData = backendData.map(JsonNode::deepCopy);
        backendV6Data = backendV6Data.map(JsonNode::deepCopy);
    }

    /** The vxlan backend's data: the VNI and the MAC address of the node's VXLAN device (its VTEP). */
    public record VxlanData(long vni, String vtepMac) {
        public VxlanData {
            vtepMac = normalizeMac(vtepMac);
        }
    }

    /** What a podnet (or flannel) vxlan node writes for itself. */
    public static LeaseAttrs vxlan(String publicIp, long vni, String vtepMac) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("VNI", Math.toIntExact(vni)); // an int node, as Jackson reads the number back
        data.put("VtepMAC", normalizeMac(vtepMac));
        return new LeaseAttrs(publicIp, Optional.empty(), "vxlan", Optional.of(data), Optional.empty());
    }

    /** The vxlan data, when this is a vxlan lease with well-formed data. */
    public Optional<VxlanData> vxlan() {
        if (!backendType.equals("vxlan") || backendData.isEmpty() || !backendData.get().isObject()) {
            return Optional.empty();
        }
        JsonFields d = new JsonFields(backendData.get(), "lease", "BackendData");
        try {
            Optional<Long> vni = d.number("VNI", 0, FlannelConfig.Backend.MAX_VNI);
            Optional<String> mac = d.text("VtepMAC");
            return mac.map(m -> new VxlanData(vni.orElse(0L), m));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    /** Whether the two would be stored as the same bytes (JSON trees compare number types, not values). */
    public boolean sameValue(LeaseAttrs other) {
        return java.util.Arrays.equals(toJson(), other.toJson());
    }

    /** The value's bytes, as stored under the lease's key. */
    public byte[] toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("PublicIP", publicIp);
        publicIpv6.ifPresent(v -> o.put("PublicIPv6", v));
        if (!backendType.isEmpty()) {
            o.put("BackendType", backendType);
        }
        backendData.ifPresent(d -> o.set("BackendData", d));
        backendV6Data.ifPresent(d -> o.set("BackendV6Data", d));
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a lease's value.
     *
     * @param source the key, for the error message
     */
    public static LeaseAttrs parse(byte[] value, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (java.io.IOException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new InvalidInputException(source + ": not JSON: " + reason);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(source + ": expected a JSON object with PublicIP and BackendType");
        }
        JsonFields f = new JsonFields(root, source, "");
        String publicIp = f.text("PublicIP").orElseThrow(() -> f.error("PublicIP", "missing"));
        try {
            Ipv4Net.parseAddress(publicIp);
        } catch (InvalidInputException e) {
            throw f.error("PublicIP", e.getMessage());
        }
        return new LeaseAttrs(publicIp, f.text("PublicIPv6"), f.text("BackendType").orElse(""), f.get("BackendData"),
                f.get("BackendV6Data"));
    }

    /** Lower-case, colon-separated: how Go prints a hardware address and how {@code ip} reports one. */
    static String normalizeMac(String mac) {
        String m = mac.toLowerCase(Locale.ROOT).replace('-', ':');
        if (!m.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
            throw new InvalidInputException("\"" + mac + "\" is not a MAC address such as aa:bb:cc:dd:ee:ff");
        }
        return m;
    }
}
