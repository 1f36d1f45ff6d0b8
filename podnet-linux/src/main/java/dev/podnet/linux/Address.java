package dev.podnet.linux;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One address of a link ({@code ip -j addr}: an element of {@code addr_info}).
 *
 * @param family "inet" or "inet6"
 * @param scope  "global", "link", "host"
 */
public record Address(String family, String local, int prefixLength, String scope) {
    public String cidr() {
        return local + "/" + prefixLength;
    }

    public boolean ipv4() {
        return family.equals("inet");
    }

    static Address from(JsonNode j) {
        return new Address(j.path("family").asText(), j.path("local").asText(), j.path("prefixlen").asInt(),
                j.path("scope").asText());
    }
}
