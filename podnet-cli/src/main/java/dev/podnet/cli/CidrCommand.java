package dev.podnet.cli;

import dev.podnet.net.Cidr;
import dev.podnet.net.aws.CarvedSubnet;
import dev.podnet.net.aws.CidrRefusal;
import dev.podnet.net.aws.SecondaryCidrRules;
import dev.podnet.net.aws.SubnetCarver;
import dev.podnet.planner.text.ReportJson;
import dev.podnet.planner.text.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cidr", mixinStandardHelpOptions = true, description = "Check and carve VPC CIDR blocks.",
        subcommands = {CidrCommand.Check.class, CidrCommand.Carve.class})
final class CidrCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"May this block be added to the VPC as a secondary IPv4 CIDR? Applies AWS's rules:",
                    "/16 to /28; never 169.254.0.0/16; no overlap; 5 blocks per VPC (default quota);",
                    "and the restriction table by the primary block's range (RFC 1918 ranges do not mix,",
                    "198.19.0.0/16, 172.31.0.0/16, 10.0.0.0/16 next to 10.0.0.0/15). Exit 0 allowed, 3 refused."},
            footer = {"", "Examples:", "  podnet cidr check --vpc-cidr 10.0.0.0/16 --add 100.64.0.0/16",
                    "  podnet cidr check --vpc-cidr 10.0.0.0/16 --existing 100.64.0.0/16 --add 192.168.0.0/16"})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--vpc-cidr", required = true, paramLabel = "CIDR", description = "The VPC's primary IPv4 block.")
        String vpcCidr;

        @Option(names = "--add", required = true, paramLabel = "CIDR", description = "The block to add.")
        String add;

        @Option(names = "--existing", paramLabel = "CIDR", description = "Secondary blocks already associated. Repeatable.")
        List<String> existing = new ArrayList<>();

        @Option(names = "--quota", paramLabel = "N", defaultValue = "5", description = "IPv4 blocks per VPC (default 5).")
        int quota;

        @Mixin
        TextOrJson output;

        @Override
        public Integer call() {
            Cidr candidate = Cidr.parse(add);
            List<CidrRefusal> refusals = SecondaryCidrRules.check(Cidr.parse(vpcCidr),
                    existing.stream().map(Cidr::parse).toList(), candidate, quota);
            output.print(spec.commandLine().getOut(), () -> ReportJson.tree(Map.of("cidr", candidate.toString(),
                    "allowed", refusals.isEmpty(), "refusals", refusals)), () -> {
                StringBuilder text = new StringBuilder(candidate.toString());
                text.append(refusals.isEmpty() ? ": allowed as a secondary CIDR of " + vpcCidr : ": refused").append('\n');
                refusals.forEach(r -> text.append("  [").append(r.rule()).append("] ").append(r.explanation()).append('\n'));
                return text.toString();
            });
            return refusals.isEmpty() ? 0 : 3;
        }
    }

    @Command(name = "carve", mixinStandardHelpOptions = true,
            description = {"Split a block into one subnet per availability zone, equally or weighted (e.g. by node",
                    "count). Each subnet is a power of two between /16 and /28; usable = size - 5."},
            footer = {"", "Examples:", "  podnet cidr carve 100.64.0.0/16 --zones eu-west-1a,eu-west-1b,eu-west-1c",
                    "  podnet cidr carve 100.64.0.0/16 --zones eu-west-1a,eu-west-1b,eu-west-1c --weights 6,3,3"})
    static final class Carve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "CIDR", description = "The block to split, e.g. 100.64.0.0/16.")
        String block;

        @Option(names = "--zones", required = true, split = ",", paramLabel = "ZONE", description = "Zone names.")
        List<String> zones;

        @Option(names = "--weights", split = ",", paramLabel = "N", description = "One weight per zone (default: equal).")
        List<Integer> weights;

        @Mixin
        TextOrJson output;

        @Override
        public Integer call() {
            Cidr cidr = Cidr.parse(block);
            List<Integer> w = weights == null ? zones.stream().map(z -> 1).toList() : weights;
            List<CarvedSubnet> subnets = SubnetCarver.carve(cidr, zones, w);
            output.print(spec.commandLine().getOut(), () -> ReportJson.tree(subnets), () -> {
                TextTable table = new TextTable("ZONE", "SUBNET", "ADDRESSES", "USABLE");
                subnets.forEach(s -> table.row(s.zone(), s.cidr(), s.cidr().sizeV4(), s.usableAddresses()));
                return table.render()
                        + String.format("Unused: %,d addresses of %s%n", SubnetCarver.unusedAddresses(cidr, subnets), cidr);
            });
            return 0;
        }
    }
}
