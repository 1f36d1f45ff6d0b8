package dev.podnet.net;

/**
 * The network limits of one EC2 instance type.
 *
 * @param maxEnis    network interfaces the type can attach (network card 0, as the VPC CNI uses)
 * @param ipv4PerEni private IPv4 addresses per interface, the interface's own primary address included
 */
public record InstanceType(String name, int maxEnis, int ipv4PerEni, Hypervisor hypervisor, boolean bareMetal) {

    /** Secondary addresses (or /28 prefixes) an interface can hold: every slot but the primary address. */
    public int slotsPerEni() {
        return ipv4PerEni - 1;
    }

    /** Prefix delegation needs the Nitro system; bare-metal types are Nitro hosts too. */
    public boolean supportsPrefixes() {
        return hypervisor == Hypervisor.NITRO || bareMetal;
    }

    /** The family is the name up to the dot: {@code m5} for {@code m5.large}. */
    public String family() {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }
}
