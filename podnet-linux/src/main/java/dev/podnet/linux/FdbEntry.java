package dev.podnet.linux;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One forwarding-database entry ({@code bridge -j fdb show}). On a VXLAN device, {@code dst} is the remote VTEP
 * (underlay address) that frames for {@code mac} are sent to.
 *
 * @param dst   empty when the entry has no remote
 * @param flags e.g. ["self"]
 * @param state e.g. "permanent", empty for learned entries
 */
public record FdbEntry(String mac, String dst, List<String> flags, String state) {
    public FdbEntry {
        flags = List.copyOf(flags);
    }

    public boolean permanent() {
        return state.equals("permanent");
    }

    static FdbEntry from(JsonNode j) {
        List<String> flags = new ArrayList<>();
        j.path("flags").forEach(f -> flags.add(f.asText()));
        return new FdbEntry(j.path("mac").asText(), j.path("dst").asText(""), flags, j.path("state").asText(""));
    }
}
