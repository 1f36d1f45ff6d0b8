package dev.podnet.cli;

import dev.podnet.net.InstanceCatalogue;
import dev.podnet.planner.ArtifactFiles;
import dev.podnet.planner.PlanArtifacts;
import dev.podnet.planner.PlanEngine;
import dev.podnet.planner.PlanReader;
import dev.podnet.planner.html.HtmlReport;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.report.Artifact;
import dev.podnet.planner.report.Finding;
import dev.podnet.planner.report.PlanReport;
import dev.podnet.planner.text.PlanText;
import dev.podnet.planner.text.ReportJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Plan a cluster's pod addressing from one YAML file and write what to apply.", "",
                "Reports max pods and warm pools per node group, subnet usage per zone and",
                "AWS's secondary-CIDR rules. With --out-dir it writes the files to apply:",
                "ENIConfigs, the aws-node environment, an eksctl ClusterConfig, IP pools and",
                "the ipvlan NetworkAttachmentDefinition (dual-stack), the AWS CLI script for",
                "the VPC side, security-group rules, and for a private cluster the VPC",
                "endpoints, NO_PROXY, the proxy ConfigMap and node user data.",
                "Nothing is written when the plan has an error; the exit status is then 2.", ""},
        footer = {"", "Examples:", "  podnet plan examples/custom-networking.yaml",
                "  podnet plan examples/prefix-mode.yaml --output json",
                "  podnet plan examples/private-cluster.yaml --out-dir out/ledger",
                "  podnet plan examples/custom-networking.yaml --output html > report.html"})
final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The cluster description (see examples/).")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json, yaml or html (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Write the artifacts (and report.html) here.")
    Path outDir;

    @Override
    public Integer call() {
        ClusterPlan plan = new PlanReader(InstanceCatalogue.bundled()).read(file);
        PlanReport report = new PlanEngine().plan(plan);
        PrintWriter out = spec.commandLine().getOut();
        out.print(switch (output) {
            case text -> PlanText.render(report, file.toString());
            case json -> ReportJson.json(ReportJson.tree(report));
            case yaml -> ReportJson.yaml(ReportJson.tree(report));
            case html -> HtmlReport.render(report);
        });
        out.flush();
        if (report.hasErrors()) {
            report.findings().stream().filter(f -> f.severity() == Finding.Severity.ERROR)
                    .forEach(f -> spec.commandLine().getErr().println(file + ": " + f.message()));
            if (outDir != null) {
                spec.commandLine().getErr().println("podnet plan: nothing written to " + outDir + " because of the errors above");
            }
            return Main.EXIT_BAD_INPUT;
        }
        if (outDir != null) {
            List<Artifact> artifacts = PlanArtifacts.all(plan, report);
            ArtifactFiles.write(outDir, artifacts);
            PrintWriter err = spec.commandLine().getErr();
            err.println("podnet plan: wrote " + artifacts.size() + " files to " + outDir + ":");
            artifacts.forEach(a -> err.println("  " + a.path() + "  " + a.description()));
        }
        return 0;
    }
}
