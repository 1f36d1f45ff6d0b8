package dev.podnet.cli;

import dev.podnet.net.InstanceCatalogue;
import dev.podnet.planner.MaxPods;
import dev.podnet.planner.text.ReportJson;
import dev.podnet.planner.text.TextTable;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "maxpods", mixinStandardHelpOptions = true,
        description = {"Max pods per node for EC2 instance types, as AWS computes it (eni-max-pods.txt).", "",
                "  secondary-ip:       ENIs x (IPv4 per ENI - 1) + 2",
                "  prefix (/28):       ENIs x ((IPv4 per ENI - 1) x 16) + 2",
                "  custom networking:  (ENIs - 1) in place of ENIs: the primary ENI hosts no pods",
                "  ipv6:               a /80 prefix on the primary ENI, so addresses never limit pods;",
                "                      sized with the prefix formula (needs a Nitro type)",
                "  --cap N:            min(result, N), the kubelet cap (AWS: 110, or 250 from 30 vCPUs)",
                "The + 2 are aws-node and kube-proxy, which use the host network.",
                "Prefix mode on a non-Nitro type falls back to secondary IPs, as the VPC CNI does.", ""},
        footer = {"", "Examples:", "  podnet maxpods m5.large t3.medium c5.18xlarge",
                "  podnet maxpods m5.large --mode prefix --cap 110",
                "  podnet maxpods m5.large --custom-networking --output json"})
final class MaxPodsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "TYPE", description = "Instance types, e.g. m5.large.")
    List<String> types;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "secondary-ip",
            description = "secondary-ip or prefix (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--custom-networking", description = "Pods use secondary ENIs only (VPC CNI custom networking).")
    boolean customNetworking;

    @Option(names = "--ipv6", description = "IPv6 cluster: pods take addresses from a /80 prefix.")
    boolean ipv6;

    @Option(names = "--cap", paramLabel = "N", description = "Kubelet max-pods cap, e.g. 110.")
    Integer cap;

    @Mixin
    TextOrJson output;

    @Override
    public Integer call() {
        MaxPods.Mode parsedMode = MaxPods.Mode.parse(mode);
        InstanceCatalogue catalogue = InstanceCatalogue.bundled();
        List<MaxPods.Result> results = types.stream()
                .map(t -> MaxPods.compute(catalogue.get(t), parsedMode, customNetworking, ipv6, cap)).toList();
        output.print(spec.commandLine().getOut(), () -> ReportJson.tree(results), () -> {
            TextTable table = new TextTable("TYPE", "MAX PODS", "ENIS", "IPV4 PER ENI", "MODE", "NOTE");
            results.forEach(r -> table.row(r.instanceType(), r.maxPods(), r.enis(), r.ipv4PerEni(),
                    r.mode() + (r.customNetworking() ? " custom-networking" : "") + (r.ipv6() ? " ipv6" : "")
                            + (r.cap() != null && r.uncapped() > r.maxPods() ? " (capped from " + r.uncapped() + ")" : ""),
                    r.note()));
            return table.render();
        });
        return 0;
    }
}
