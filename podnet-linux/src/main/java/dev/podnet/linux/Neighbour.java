package dev.podnet.linux;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One neighbour (ARP/NDP) entry ({@code ip -j neigh}).
 *
 * @param lladdr the link-layer address, empty when unresolved
 * @param states e.g. ["PERMANENT"], ["REACHABLE"], ["FAILED"]
 */
public record Neighbour(String dst, String lladdr, List<String> states) {
    public Neighbour {
        states = List.copyOf(states);
    }

    /** Set by a program (never aged out by the kernel): the entries a reconciler owns. */
    public boolean permanent() {
        return states.contains("PERMANENT");
    }

    static Neighbour from(JsonNode j) {
        List<String> states = new ArrayList<>();
        j.path("state").forEach(s -> states.add(s.asText()));
        return new Neighbour(j.path("dst").asText(), j.path("lladdr").asText(""), states);
    }
}
