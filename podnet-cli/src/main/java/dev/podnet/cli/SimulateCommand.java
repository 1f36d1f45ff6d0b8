package dev.podnet.cli;

import dev.podnet.net.InvalidInputException;
import dev.podnet.sim.HtmlReport;
import dev.podnet.sim.Policies;
import dev.podnet.sim.Policy;
import dev.podnet.sim.RunResult;
import dev.podnet.sim.Scenario;
import dev.podnet.sim.ScenarioReader;
import dev.podnet.sim.Simulation;
import dev.podnet.sim.SimulationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code podnet simulate}: warm-pool policies at cluster scale, in virtual time, on the same arrivals. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulates warm-pool policies on a cluster in virtual time: the real warm-pool planner on every",
                "node against the VPC emulator (EC2 latency, attach delay, the account's throttling, subnet limits).",
                "Every policy sees the same pods (same seed). Policies: vpc-cni (VPC CNI settings as",
                "vpc-cni:WARM_IP_TARGET=1,MINIMUM_IP_TARGET=10), oracle (knows arrivals ahead: the lower bound),",
                "podnet-adaptive (podnet-adaptive:floor=7,cooldown=600,memory=600,budget=0.9).", ""},
        footer = {"", "Examples:", "  podnet simulate examples/simulate-150-join.yaml",
                "  podnet simulate examples/simulate-150-join.yaml --policy vpc-cni --policy vpc-cni:WARM_IP_TARGET=1",
                "  podnet simulate examples/simulate-5000-churn.yaml --output json --out-dir out/",
                "  podnet simulate examples/simulate-150-join.yaml -o html > report.html"})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "The scenario to run.")
    Path scenario;

    @Option(names = "--policy", paramLabel = "NAME[:KEY=VALUE,...]",
            description = "A policy to run (repeatable; default: every registered policy with its defaults).")
    List<String> policies = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json or html (one self-contained page of charts; default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--out-dir", paramLabel = "DIR",
            description = "Also write a CSV time series per policy and the HTML page (report.html) here.")
    Path outDir;

    @Override
    public Integer call() {
        if (!List.of("text", "json", "html").contains(output)) {
            throw new InvalidInputException("--output \"" + output + "\" is not supported; use text, json or html");
        }
        Scenario s = ScenarioReader.read(scenario);
        List<String> names = policies.isEmpty() ? Policies.names() : policies;
        // Created up front, so that a misspelt policy fails before any run.
        List<Policy> created = names.stream().map(n -> Policies.create(n, s)).toList();
        List<RunResult> results = new ArrayList<>();
        for (int i = 0; i < created.size(); i++) {
            // A fresh instance per run: a policy keeps per-run state.
            results.add(Simulation.run(s, Policies.create(names.get(i), s)));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(switch (output) {
            case "json" -> SimulationReport.json(results);
            case "html" -> HtmlReport.html(s, results);
            default -> SimulationReport.text(s, results);
        });
        if (outDir != null) {
            List<Path> written = new ArrayList<>(SimulationReport.csv(outDir, results));
            written.add(HtmlReport.write(outDir, s, results));
            written.forEach(f -> spec.commandLine().getErr().println("wrote " + f));
        }
        out.flush();
        boolean broken = results.stream().anyMatch(r -> !r.violations().isEmpty());
        return broken ? 1 : 0;
    }
}
