package dev.podnet.linux;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One policy routing rule ({@code ip -j rule show}).
 *
 * @param src   the source selector without its length ("all" for none), e.g. "10.1.0.5"
 * @param dst   the destination selector without its length, empty for none
 * @param table the table by name or number, as ip prints it ("main", "7")
 */
public record Rule(int priority, String src, int srcLength, String dst, int dstLength, String table) {
    static Rule from(JsonNode j) {
        String src = j.path("src").asText("all");
        String dst = j.path("dst").asText("");
        return new Rule(j.path("priority").asInt(), src, j.path("srclen").asInt(src.equals("all") ? 0 : fullLength(src)),
                dst, j.path("dstlen").asInt(dst.isEmpty() ? 0 : fullLength(dst)), j.path("table").asText(""));
    }

    /** ip leaves the length out for a host selector (/32, /128). */
    private static int fullLength(String address) {
        return address.contains(":") ? 128 : 32;
    }
}
