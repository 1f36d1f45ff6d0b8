package dev.podnet.cli;

import dev.podnet.net.InstanceCatalogue;
import dev.podnet.net.InstanceType;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.text.ReportJson;
import dev.podnet.planner.text.TextTable;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "instances", mixinStandardHelpOptions = true,
        description = "List EC2 instance types and their network limits (ENIs, IPv4 addresses per ENI).",
        footer = {"", "Examples:", "  podnet instances --family m5", "  podnet instances --family c7g --output json"})
final class InstancesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--family", paramLabel = "FAMILY", description = "Only this family, e.g. m5.")
    String family;

    @Mixin
    TextOrJson output;

    @Override
    public Integer call() {
        InstanceCatalogue catalogue = InstanceCatalogue.bundled();
        List<InstanceType> types = family == null ? catalogue.all() : catalogue.family(family);
        if (types.isEmpty()) {
            throw new InvalidInputException("no instance family \"" + family + "\"");
        }
        output.print(spec.commandLine().getOut(), () -> ReportJson.tree(types), () -> {
            TextTable table = new TextTable("TYPE", "ENIS", "IPV4 PER ENI", "HYPERVISOR", "BARE METAL", "PREFIXES");
            types.forEach(t -> table.row(t.name(), t.maxEnis(), t.ipv4PerEni(),
                    t.hypervisor().name().toLowerCase(java.util.Locale.ROOT), t.bareMetal() ? "yes" : "no",
                    t.supportsPrefixes() ? "yes" : "no"));
            return table.render();
        });
        return 0;
    }
}
