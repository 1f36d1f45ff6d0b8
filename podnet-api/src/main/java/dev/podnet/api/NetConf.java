package dev.podnet.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The network configuration a plugin reads on stdin, reduced to what podnet uses; unknown keys are ignored as the
 * spec requires. Decoded and validated by {@link NetConfDecoder}.
 *
 * @param ipam             null when the configuration has no "ipam" section (a main plugin may not need one)
 * @param dns              the network's well-known "dns" section; empty when absent
 * @param prevResult       the previous plugin's (or ADD's) result, null when absent
 * @param runtimeIps       {@code runtimeConfig.ips}, the "ips" capability (address with or without prefix)
 * @param argsIps          {@code args.cni.ips}, the same request through the "args" convention
 * @param validAttachments {@code cni.dev/valid-attachments}; null unless the runtime sent it (GC always does)
 * @param mode             the main plugin's "mode" (podnet: "routed", "ipvlan"); null when absent. Read for every type,
 *                         as a string, which is what macvlan's and ipvlan's "mode" are too
 * @param mtu              the top-level "mtu" (podnet, bridge, ptp); null when absent
 * @param master           the top-level "master" (podnet's ipvlan mode, macvlan, ipvlan): the link the pod's interface
 *                         hangs off; null when absent
 */
public record NetConf(String cniVersion, String name, String type, Ipam ipam, CniResult.Dns dns, CniResult prevResult,
                      List<String> runtimeIps, List<String> argsIps, List<Attachment> validAttachments, String mode,
                      Integer mtu, String master) {
    public NetConf {
        dns = dns == null ? CniResult.Dns.EMPTY : dns;
        runtimeIps = runtimeIps == null ? List.of() : List.copyOf(runtimeIps);
        argsIps = argsIps == null ? List.of() : List.copyOf(argsIps);
        validAttachments = validAttachments == null ? null : List.copyOf(validAttachments);
    }

    /**
     * The ipam section, refusing a configuration that has none (code 7) or names another IPAM plugin (code 2, with
     * the key and value as the spec asks): the runtime found this binary by that name, so a mismatch is a broken setup.
     */
    public Ipam requireIpam(String expectedType) {
        if (ipam == null) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid network config",
                    "the configuration has no \"ipam\" section");
        }
        if (!ipam.type().equals(expectedType)) {
            throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field ipam.type",
                    "ipam.type=\"" + ipam.type() + "\"; this plugin is \"" + expectedType + "\"");
        }
        return ipam;
    }

    /** Every specific address asked for, args before runtimeConfig (host-local's order), each once. */
    public List<String> requestedIps() {
        Set<String> all = new LinkedHashSet<>(argsIps);
        all.addAll(runtimeIps);
        return new ArrayList<>(all);
    }

    /**
     * The "ipam" section: its type plus podnet's own keys and host-local's, so a host-local configuration can be
     * switched to podnet by changing only the type.
     *
     * @param agentSocket the node agent's socket; null means embedded mode (allocate from {@code dataDir})
     * @param pool        the pool to allocate from; null means the agent's default
     * @param ranges      host-local range sets: one address is allocated from each set
     * @param dataDir     where embedded mode keeps its state; null means the plugin's default
     */
    public record Ipam(String type, String agentSocket, String pool, List<List<IpRange>> ranges,
                       List<CniResult.Route> routes, String dataDir) {
        public Ipam {
            if (type == null || type.isEmpty()) {
                throw new IllegalArgumentException("ipam needs a type");
            }
            List<List<IpRange>> copy = new ArrayList<>();
            for (List<IpRange> set : ranges == null ? List.<List<IpRange>>of() : ranges) {
                copy.add(List.copyOf(set));
            }
            ranges = List.copyOf(copy);
            routes = routes == null ? List.of() : List.copyOf(routes);
        }
    }

    /**
     * One host-local range: a subnet and, optionally, the part of it to allocate from and its gateway.
     * Omitted bounds mean the whole subnet less its network (and, for IPv4, broadcast) address.
     */
    public record IpRange(String subnet, String rangeStart, String rangeEnd, String gateway) {
        public IpRange {
            if (subnet == null) {
                throw new IllegalArgumentException("a range needs a subnet");
            }
        }
    }
}
