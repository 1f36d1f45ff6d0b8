package dev.podnet.overlay;

/**
 * Another node as this node's VXLAN device needs it: its subnet is routed via the subnet's first address (the remote
 * device's own address), which resolves to the remote VTEP MAC, which the FDB sends to the node's PublicIP.
 */
public record Peer(Ipv4Net subnet, String vtepMac, String publicIp) {
    public Peer {
        vtepMac = LeaseAttrs.normalizeMac(vtepMac);
        Ipv4Net.parseAddress(publicIp);
    }
}
