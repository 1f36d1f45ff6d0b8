package dev.podnet.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.net.Cidr;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.SubnetCalculator;
import dev.podnet.planner.text.PlanText;
import dev.podnet.planner.text.ReportJson;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "subnet-calc", mixinStandardHelpOptions = true,
        description = {"Will these nodes fit in this subnet? The EKS subnet-calculator spreadsheet.", "",
                "Computed by the warm-pool planner the node agent runs, with the VPC CNI's settings and meanings:", "",
                "  WARM_ENI_TARGET (default 1): the pool is low when free < target x (IPv4 per ENI - 1);",
                "    it then fills a whole ENI (or attaches a new one, filled).",
                "  WARM_IP_TARGET / MINIMUM_IP_TARGET (override the ENI and prefix targets):",
                "    short = max(WARM_IP_TARGET - free, MINIMUM_IP_TARGET - total, 0), assigned exactly.",
                "  --prefix (ENABLE_PREFIX_DELEGATION): slots are /28 prefixes of 16 addresses;",
                "    WARM_PREFIX_TARGET (default 1): low when free < target x 16; short rounds up to prefixes.",
                "  The pool stops growing once it holds max-pods addresses.",
                "Addresses held per node = pod addresses in use + free ones + one primary address per ENI",
                "(--custom-networking: the primary ENI is in the node subnet and not counted here).",
                "Usable addresses = subnet size - 5 (AWS reserves the first four and the last).", ""},
        footer = {"", "Examples:", "  podnet subnet-calc --subnet 10.0.0.0/22 --node m5.large:20:25",
                "  podnet subnet-calc --subnet 100.64.0.0/19 --custom-networking --node m5.large:30:20 --node c5.4xlarge:6:100",
                "  podnet subnet-calc --subnet 10.0.0.0/24 --prefix --node m5.xlarge:4:50 --output json"})
final class SubnetCalcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--subnet", required = true, paramLabel = "CIDR", description = "The subnet, e.g. 10.0.0.0/22.")
    String subnet;

    @Option(names = "--node", required = true, paramLabel = "TYPE:COUNT:PODS",
            description = "A node group: instance type, number of nodes, pods per node needing an address. Repeatable.")
    List<String> nodes;

    @Option(names = "--warm-eni-target", paramLabel = "N", defaultValue = "1", description = "WARM_ENI_TARGET (default 1).")
    int warmEniTarget;

    @Option(names = "--warm-ip-target", paramLabel = "N", defaultValue = "0", description = "WARM_IP_TARGET (0 = unset).")
    int warmIpTarget;

    @Option(names = "--minimum-ip-target", paramLabel = "N", defaultValue = "0", description = "MINIMUM_IP_TARGET (0 = unset).")
    int minimumIpTarget;

    @Option(names = "--warm-prefix-target", paramLabel = "N", defaultValue = "1", description = "WARM_PREFIX_TARGET (default 1).")
    int warmPrefixTarget;

    @Option(names = "--max-eni", paramLabel = "N", defaultValue = "0", description = "MAX_ENI (0 = the type's limit).")
    int maxEni;

    @Option(names = "--prefix", description = "ENABLE_PREFIX_DELEGATION: assign /28 prefixes.")
    boolean prefix;

    @Option(names = "--custom-networking", description = "The subnet is a pod subnet; the primary ENI hosts no pods.")
    boolean customNetworking;

    @Option(names = "--cap", paramLabel = "N", defaultValue = "0", description = "Kubelet max-pods cap (0 = none).")
    int cap;

    @Mixin
    TextOrJson output;

    @Override
    public Integer call() {
        Cidr cidr = Cidr.parse(subnet);
        WarmPoolConfig config = WarmPoolConfig.builder().warmEniTarget(warmEniTarget).warmIpTarget(warmIpTarget)
                .minimumIpTarget(minimumIpTarget).warmPrefixTarget(warmPrefixTarget).maxEni(maxEni)
                .prefixMode(prefix).customNetworking(customNetworking).build();
        if (cap < 0) {
            throw new InvalidInputException("--cap must be 0 or more, got " + cap);
        }
        if (prefix && warmPrefixTarget == 0 && warmIpTarget == 0 && minimumIpTarget == 0) {
            throw new InvalidInputException("--warm-prefix-target 0 needs --warm-ip-target or --minimum-ip-target "
                    + "(the VPC CNI does not support a prefix pool without a warm target either)");
        }
        SubnetCalculator.Result result = SubnetCalculator.calculate(cidr, nodes.stream().map(SubnetCalcCommand::node).toList(),
                config, cap);
        output.print(spec.commandLine().getOut(), () -> {
            ObjectNode tree = (ObjectNode) ReportJson.tree(result);
            tree.withArray("groups").forEach(g -> ((ObjectNode) g).remove("nodesPerZone"));
            ((ObjectNode) tree.get("subnet")).put("remaining", result.subnet().remaining());
            return tree;
        }, () -> "Node groups (per node)\n" + PlanText.groups(result.groups()) + "\n"
                + "Subnet\n" + PlanText.subnets(List.of(result.subnet())) + "\n"
                + String.format("Pods hosted: %,d%n", result.podsHosted())
                + "Verdict: " + result.verdict() + "\n");
        return result.fits() ? 0 : 3;
    }

    static SubnetCalculator.NodeSpec node(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new InvalidInputException("--node \"" + text + "\" is not TYPE:COUNT:PODS (e.g. m5.large:10:25)");
        }
        return new SubnetCalculator.NodeSpec(InstanceCatalogue.bundled().get(parts[0]), number(text, "COUNT", parts[1]),
                number(text, "PODS", parts[2]));
    }

    private static int number(String text, String what, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new InvalidInputException("--node \"" + text + "\": " + what + " " + n + " is negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--node \"" + text + "\": " + what + " \"" + value + "\" is not a whole number");
        }
    }
}
