package dev.podnet.linux;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One route of the main table ({@code ip -j route show}).
 *
 * @param dst     "10.5.3.0/24", a bare address for a /32, or "default"
 * @param gateway empty for a directly connected route
 * @param dev     empty when the listing was filtered by device (ip then leaves it out)
 * @param flags   e.g. ["onlink"]
 */
public record Route(String dst, String gateway, String dev, List<String> flags) {
    public Route {
        flags = List.copyOf(flags);
    }

    public boolean onlink() {
        return flags.contains("onlink");
    }

    static Route from(JsonNode j) {
        List<String> flags = new ArrayList<>();
        j.path("flags").forEach(f -> flags.add(f.asText()));
        return new Route(j.path("dst").asText(), j.path("gateway").asText(""), j.path("dev").asText(""), flags);
    }
}
