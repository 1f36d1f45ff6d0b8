package dev.podnet.planner;

import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.Cidr;
import dev.podnet.net.InstanceType;
import dev.podnet.net.InvalidInputException;
import dev.podnet.net.aws.CarvedSubnet;
import dev.podnet.planner.report.GroupResult;
import dev.podnet.planner.report.SubnetUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The EKS subnet-calculator spreadsheet, computed with the warm-pool planner the node agent runs: for each node
 * group the ENIs and addresses every node holds, and whether one subnet holds them all.
 */
public final class SubnetCalculator {

    /** A node group: {@code count} nodes of {@code type}, each running {@code pods} pods that need an address. */
    public record NodeSpec(InstanceType type, int count, int pods) {
        public NodeSpec {
            if (count < 0 || pods < 0) {
                throw new InvalidInputException("node counts and pods must be 0 or more, got " + count + " nodes with "
                        + pods + " pods");
            }
        }
    }

    /** The result: per group, and the subnet's usage. {@code fits} is false when the subnet is exhausted. */
    public record Result(List<GroupResult> groups, SubnetUsage subnet, long podsHosted, boolean fits, String verdict) {
    }

    private SubnetCalculator() {
    }

    public static Result calculate(Cidr subnet, List<NodeSpec> nodes, WarmPoolConfig config, int cap) {
        if (!subnet.isIpv4() || subnet.prefixLength() < 16 || subnet.prefixLength() > 28) {
            throw new InvalidInputException("--subnet " + subnet + ": an AWS IPv4 subnet is /16 to /28");
        }
        if (nodes.isEmpty()) {
            throw new InvalidInputException("give at least one --node TYPE:COUNT:PODS");
        }
        List<GroupResult> groups = new ArrayList<>();
        long used = 0;
        long pods = 0;
        int totalNodes = 0;
        for (NodeSpec spec : nodes) {
            NodeSizing.Sizing s = NodeSizing.size(spec.type(), spec.pods(), config, false, cap);
            groups.add(new GroupResult(spec.type().name(), spec.type().name(), spec.count(), spec.pods(),
                    s.maxPods().maxPods(), s.podsPlaced(), s.activeEnis() + s.warmEnis(), s.activeEnis(), s.warmEnis(),
                    s.slotsPerEni(), s.activeAddresses(), s.warmAddresses(), s.podSubnetAddresses(),
                    s.nodeSubnetAddresses(), Map.of(), s.cloudCalls()));
            used += (long) spec.count() * s.podSubnetAddresses();
            pods += (long) spec.count() * s.podsPlaced();
            totalNodes += spec.count();
        }
        SubnetUsage usage = new SubnetUsage("-", config.customNetworking() ? "pods" : "nodes", subnet.toString(),
                CarvedSubnet.of("-", subnet).usableAddresses(), used, totalNodes);
        boolean fits = usage.used() <= usage.usable();
        String verdict = fits
                ? String.format("fits: %,d of %,d usable addresses used (%.1f%%), %,d left", used, usage.usable(),
                        usage.percentUsed(), usage.remaining())
                : String.format("DOES NOT FIT: %,d addresses needed, %,d usable in %s (AWS reserves 5); "
                        + "%,d short", used, usage.usable(), subnet, used - usage.usable());
        return new Result(groups, usage, pods, fits, verdict);
    }
}
