package dev.podnet.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.net.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code podnet.dev/v1} NetworkConfig: what a Multus NetworkAttachmentDefinition of podnet's should hold, in
 * Spiderpool's SpiderMultusConfig terms ({@code spiderpool.spidernet.io/v2beta1}), so that a SpiderMultusConfig's
 * spec moves over by changing its apiVersion and kind:
 * <pre>
 * spec:
 *   cniType: macvlan            # or ipvlan
 *   macvlan:                    # the section named by cniType
 *     master: ["eth1"]          # exactly one link (Spiderpool bonds several; podnet refuses them)
 *     vlanID: 100               # 0..4094; above 0 the master is the VLAN link eth1.100, which must exist
 *     mtu: 9001                 # podnet's addition, 68..65535; absent: the master's MTU
 *     ippools: {ipv4: ["vpc"], ipv6: ["vpc"]}   # podnet-ipam takes one agent pool: at most one name in all
 * </pre>
 * Spiderpool's {@code enableCoordinator}, {@code coordinator}, {@code bond}, {@code disableIPAM} and the sriov, ovs
 * and custom types have no podnet counterpart and are ignored or refused as named in the messages.
 *
 * @param link   the link the plugin hangs pods off: the master, or its VLAN sub-interface MASTER.VLAN
 * @param vlanID 0 for none
 * @param mtu    0 for the plugin's default (the master's MTU)
 * @param pool   the agent pool of podnet-ipam; empty for the agent's default pool
 */
public record NetworkConfig(String namespace, String name, String uid, CniType cniType, String link, int vlanID,
                            int mtu, Optional<String> pool) {
    public static final String GROUP = "podnet.dev";
    public static final String VERSION = "v1";
    public static final String KIND = "NetworkConfig";
    /** Where podnet's agent listens on every node (the agent's default socket). */
    static final String AGENT_SOCKET = "/run/podnet/agent.sock";
    /** The CNI version of the conflist: the reference plugins and Multus 4 take it. */
    static final String CNI_VERSION = "1.0.0";
    /** A Linux interface name is at most 15 bytes (IFNAMSIZ less the NUL). */
    private static final int MAX_LINK_NAME = 15;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The main plugins a NetworkConfig may name: the reference plugins, with podnet-ipam as their IPAM. */
    public enum CniType {
        MACVLAN, IPVLAN;

        public String type() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Reads and checks a NetworkConfig as the API server serves it.
     *
     * @throws InvalidInputException naming the field and value that are wrong
     */
    public static NetworkConfig from(JsonNode object) {
        JsonNode meta = object.path("metadata");
        String namespace = meta.path("namespace").asText();
        String name = meta.path("name").asText();
        String where = "NetworkConfig " + namespace + "/" + name + ": ";
        JsonNode spec = object.path("spec");
        CniType type = cniType(where, spec.path("cniType"));
        JsonNode section = spec.path(type.type());
        String field = "spec." + type.type();
        if (!section.isObject()) {
            throw new InvalidInputException(where + field + " is missing: cniType " + type.type() + " takes its "
                    + "master there");
        }
        int vlanID = integer(where, section, field + ".vlanID", 0, 4094);
        String link = link(where, field, master(where, field, section.path("master")), vlanID);
        int mtu = integer(where, section, field + ".mtu", 68, 65535);
        return new NetworkConfig(namespace, name, meta.path("uid").asText(), type, link, vlanID, mtu,
                pool(where, field, section.path("ippools")));
    }

    private static CniType cniType(String where, JsonNode value) {
        for (CniType t : CniType.values()) {
            if (t.type().equals(value.asText())) {
                return t;
            }
        }
        throw new InvalidInputException(where + "spec.cniType " + (value.isMissingNode() ? "is missing" : value)
                + ": podnet writes macvlan or ipvlan (Spiderpool's sriov, ovs and custom are not supported)");
    }

    private static String master(String where, String field, JsonNode master) {
        List<String> links = new ArrayList<>();
        master.forEach(m -> links.add(m.asText()));
        if (!master.isArray() || links.isEmpty() || links.getFirst().isBlank()) {
            throw new InvalidInputException(where + field + ".master must list the link the pods' interfaces hang off, "
                    + "e.g. [\"eth1\"]; got " + (master.isMissingNode() ? "nothing" : master));
        }
        if (links.size() > 1) {
            throw new InvalidInputException(where + field + ".master lists " + links.size() + " links " + master
                    + ": Spiderpool bonds them, podnet does not; make the bond on the node and name it alone");
        }
        return links.getFirst();
    }

    private static String link(String where, String field, String master, int vlanID) {
        String link = vlanID == 0 ? master : master + "." + vlanID;
        if (link.length() > MAX_LINK_NAME || !link.matches("[^/\\s]+")) {
            throw new InvalidInputException(where + field + ".master \"" + master + "\"" + (vlanID == 0 ? ""
                    : " with vlanID " + vlanID) + " names the link \"" + link + "\", which is not a Linux interface "
                    + "name (at most 15 characters, no '/' or space)");
        }
        return link;
    }

    /** An integer in [min, max]; 0 when absent (0 is also allowed where min is 0). */
    private static int integer(String where, JsonNode section, String field, int min, int max) {
        JsonNode value = section.path(field.substring(field.lastIndexOf('.') + 1));
        if (value.isMissingNode() || value.isNull()) {
            return 0;
        }
        if (!value.isInt() || value.asInt() < min || value.asInt() > max) {
            throw new InvalidInputException(where + field + " " + value + " is not an integer in " + min + ".." + max);
        }
        return value.asInt();
    }

    private static Optional<String> pool(String where, String field, JsonNode ippools) {
        Set<String> names = new LinkedHashSet<>();
        for (String family : List.of("ipv4", "ipv6")) {
            ippools.path(family).forEach(p -> names.add(p.asText()));
        }
        if (names.size() > 1) {
            throw new InvalidInputException(where + field + ".ippools names " + names.size() + " pools " + names
                    + ": podnet-ipam allocates from one agent pool (a dual-stack pool serves both families)");
        }
        return names.stream().findFirst();
    }

    /**
     * The NetworkAttachmentDefinition's {@code spec.config}: a conflist of the reference plugin named by cniType, with
     * podnet-ipam asking this node's agent. Named after the NetworkConfig, as Spiderpool names its NADs' networks
     * (a CNI network name cannot hold Multus's "namespace/name").
     */
    public String conflist() {
        ObjectNode conf = JSON.createObjectNode().put("cniVersion", CNI_VERSION).put("name", name);
        ObjectNode plugin = conf.putArray("plugins").addObject().put("type", cniType.type()).put("master", link);
        if (mtu > 0) {
            plugin.put("mtu", mtu);
        }
        ObjectNode ipam = plugin.putObject("ipam").put("type", "podnet-ipam").put("agentSocket", AGENT_SOCKET);
        pool.ifPresent(p -> ipam.put("pool", p));
        return conf.toString();
    }
}
