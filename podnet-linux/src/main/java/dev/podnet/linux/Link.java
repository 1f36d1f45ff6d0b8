package dev.podnet.linux;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One link as {@code ip -j -d link show} reports it.
 *
 * @param mac   the link-layer address, lower case ({@code aa:bb:cc:dd:ee:ff}); empty for links without one
 * @param kind  {@code linkinfo.info_kind} ("vxlan", "veth", "bridge"); empty for plain devices such as lo
 * @param vxlan the VXLAN settings when {@code kind} is vxlan
 * @param alias {@code ifalias}: what set the link up writes there to find its links again
 */
public record Link(String name, int index, int mtu, String mac, List<String> flags, Optional<String> kind,
                   Optional<Vxlan> vxlan, Optional<String> alias) {
    public Link {
        flags = List.copyOf(flags);
    }

    /**
     * A VXLAN device's settings ({@code linkinfo.info_data}).
     *
     * @param local the source address, empty if none was set
     * @param link  the underlay device, empty if none was set (or it lives in another namespace)
     */
    public record Vxlan(long id, Optional<String> local, Optional<String> link, int port, boolean learning) {
    }

    /** Linux's limit: IFNAMSIZ - 1 characters, none of them '/', ':' or white space. */
    public static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.@-]{1,15}")) {
            throw new IllegalArgumentException("\"" + name + "\" is not an interface name (1-15 of letters, digits, _ . @ -)");
        }
    }

    /** Administratively up ({@code ip link set up}). */
    public boolean up() {
        return flags.contains("UP");
    }

    static Link from(JsonNode j) {
        List<String> flags = new ArrayList<>();
        j.path("flags").forEach(f -> flags.add(f.asText()));
        JsonNode info = j.path("linkinfo");
        Optional<String> kind = Optional.ofNullable(info.path("info_kind").textValue());
        Optional<Vxlan> vxlan = Optional.empty();
        if (kind.equals(Optional.of("vxlan"))) {
            JsonNode d = info.path("info_data");
            vxlan = Optional.of(new Vxlan(d.path("id").asLong(), Optional.ofNullable(d.path("local").textValue()),
                    Optional.ofNullable(d.path("link").textValue()), d.path("port").asInt(),
                    d.path("learning").asBoolean(false)));
        }
        return new Link(j.path("ifname").asText(), j.path("ifindex").asInt(), j.path("mtu").asInt(),
                j.path("address").asText(""), flags, kind, vxlan, Optional.ofNullable(j.path("ifalias").textValue()));
    }
}
