package dev.podnet.cni;

import dev.podnet.api.CniResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The CNI result of an ipvlan attachment, as the reference ipvlan plugin reports one: the pod's interface only (the
 * master is the node's), IPAM's addresses on it with their prefix length and gateway, and the routes.
 */
final class IpvlanResult {
    private IpvlanResult() {
    }

    /**
     * @param netns the container's namespace path (the interface's sandbox)
     * @param mtu   null when the configuration sets none
     */
    static CniResult of(String cniVersion, String ifName, String mac, String netns, Integer mtu, CniResult ipam,
                        CniResult.Dns dns) {
        List<CniResult.IpConfig> ips = ipam.ips().stream()
                .map(ip -> new CniResult.IpConfig(ip.address(), ip.gateway(), 0)).toList();
        return new CniResult(cniVersion, List.of(new CniResult.Interface(ifName, mac, mtu, netns, null, null)), ips,
                routes(ipam), dns);
    }

    /**
     * IPAM's routes, one without a next hop going via its family's gateway (as the reference plugins read it), then
     * a default route via the gateway of each family that has one and no default route yet: on a VPC subnet that is
     * its router, so the pod needs no route of its own configuration.
     */
    static List<CniResult.Route> routes(CniResult ipam) {
        List<CniResult.Route> out = new ArrayList<>();
        for (CniResult.Route r : ipam.routes()) {
            out.add(CniResult.Route.of(r.dst(), r.gw() != null ? r.gw() : gateway(ipam, v6(r.dst()))));
        }
        for (boolean six : new boolean[] {false, true}) {
            String gateway = gateway(ipam, six);
            boolean routed = out.stream().anyMatch(r -> v6(r.dst()) == six && r.dst().endsWith("/0"));
            if (gateway != null && !routed) {
                out.add(CniResult.Route.of(six ? "::/0" : "0.0.0.0/0", gateway));
            }
        }
        return out;
    }

    /** The gateway of the first address of the family that has one; null if none has. */
    private static String gateway(CniResult ipam, boolean six) {
        return ipam.ips().stream().filter(ip -> v6(ip.address()) == six && ip.gateway() != null)
                .map(CniResult.IpConfig::gateway).findFirst().orElse(null);
    }

    private static boolean v6(String address) {
        return address.contains(":");
    }
}
