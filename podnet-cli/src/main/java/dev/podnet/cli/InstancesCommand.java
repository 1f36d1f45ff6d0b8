package dev.podnet.cli;

import dev.podnet.net.InstanceCatalogue;
import dev.podnet.net.InstanceType;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.text.ReportJson;
import dev.podnet.planner.text.TextTable;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text or json (default: ${DEFAULT-VALUE}).",
            defaultValue = "text")
    OutputFormat output;

    @Override
    public Integer call() {
        InstanceCatalogue catalogue = InstanceCatalogue.bundled();
        List<InstanceType> types = family == null ? catalogue.all() : catalogue.family(family);
        if (types.isEmpty()) {
            throw new InvalidInputException("no instance family \"" + family + "\"");
        }
        switch (output) {
            case json -> spec.commandLine().getOut().print(ReportJson.json(ReportJson.tree(types)));
            case text -> {
                TextTable table = new TextTable("TYPE", "ENIS", "IPV4 PER ENI", "HYPERVISOR", "BARE METAL", "PREFIXES");
                types.forEach(t -> table.row(t.name(), t.maxEnis(), t.ipv4PerEni(),
                        t.hypervisor().name().toLowerCase(java.util.Locale.ROOT), t.bareMetal() ? "yes" : "no",
                        t.supportsPrefixes() ? "yes" : "no"));
                spec.commandLine().getOut().print(table.render());
            }
            default -> throw new InvalidInputException("--output " + output + " is not supported here; use text or json");
        }
        return 0;
    }
}
