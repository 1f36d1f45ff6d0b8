package dev.podnet.cni;

import dev.podnet.api.CniResult;
import dev.podnet.linux.RoutedVeth;
import java.util.ArrayList;
import java.util.List;

/** The CNI result of a routed attachment: the two ends, each pod address as a host route, the link-local gateways. */
final class RoutedResult {
    private RoutedResult() {
    }

    /** The pod's addresses (no prefix length) from what IPAM handed out ("10.1.0.5/24" -> "10.1.0.5"). */
    static List<String> hosts(CniResult ipam) {
        List<String> out = new ArrayList<>();
        if (ipam != null) {
            ipam.ips().forEach(ip -> out.add(ip.address().substring(0, ip.address().indexOf('/'))));
        }
        return out;
    }

    /**
     * @param netns the container's namespace path (the pod interface's sandbox)
     * @param mtu   null when the configuration sets none
     */
    static CniResult of(String cniVersion, RoutedNames names, String ifName, String netns, Integer mtu,
                        RoutedVeth.Attached ends, List<String> addresses, CniResult.Dns dns) {
        List<CniResult.Interface> interfaces = List.of(
                new CniResult.Interface(names.hostVeth(), ends.hostMac(), mtu, null, null, null),
                new CniResult.Interface(ifName, ends.podMac(), mtu, netns, null, null));
        List<CniResult.IpConfig> ips = new ArrayList<>();
        List<CniResult.Route> routes = new ArrayList<>();
        boolean v4 = false;
        boolean v6 = false;
        for (String a : addresses) {
            boolean six = a.contains(":");
            ips.add(new CniResult.IpConfig(a + (six ? "/128" : "/32"), six ? RoutedVeth.GATEWAY_V6 : RoutedVeth.GATEWAY_V4, 1));
            v4 |= !six;
            v6 |= six;
        }
        if (v4) {
            routes.add(CniResult.Route.of("0.0.0.0/0", RoutedVeth.GATEWAY_V4));
        }
        if (v6) {
            routes.add(CniResult.Route.of("::/0", RoutedVeth.GATEWAY_V6));
        }
        return new CniResult(cniVersion, interfaces, ips, routes, dns);
    }
}
