package dev.podnet.planner.report;

/**
 * How full one subnet is once every node is up.
 *
 * @param role   {@code nodes} (the node subnet; holds pods too in secondary-ip and prefix modes) or {@code pods}
 * @param usable the subnet's size less the 5 addresses AWS reserves
 * @param used   addresses the planned nodes take
 */
public record SubnetUsage(String zone, String role, String cidr, long usable, long used, int nodes) {

    public long remaining() {
        return usable - used;
    }

    /** Used share of the usable addresses, 0 to 100 (more when it does not fit). */
    public double percentUsed() {
        return usable == 0 ? 100.0 : 100.0 * used / usable;
    }
}
