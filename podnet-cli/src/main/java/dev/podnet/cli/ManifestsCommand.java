package dev.podnet.cli;

import dev.podnet.agent.manifests.Manifest;
import dev.podnet.agent.manifests.ManifestSettings;
import dev.podnet.agent.manifests.Manifests;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.PlanEngine;
import dev.podnet.planner.PlanReader;
import dev.podnet.planner.artifacts.NodeAgentSettings;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.report.Finding;
import dev.podnet.planner.report.PlanReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "manifests", mixinStandardHelpOptions = true,
        description = {"Write what a cluster applies to run podnet as its pod network, in apply order.", "",
                "podnet's CRDs (IPPool, NetworkConfig, StatefulAddress, StoreEntry, StoreLog), its RBAC (ServiceAccount",
                "podnet in kube-system, ClusterRole podnet-agent and the leases Role, with their bindings), and the",
                "DaemonSet podnet in kube-system: an init container that installs the CNI plugins and the node's",
                "conflist, and the agent (--cloud aws, the in-cluster service account, ready only while a pool can",
                "address a new pod). With --from-plan, the agent's VPC CNI settings (mode, warm targets), the plan's",
                "ENIConfigs and, for a private cluster, the proxy ConfigMap the agent loads come from the plan, as",
                "podnet plan writes them for aws-node. Without it, --cloud aws with the VPC CNI's defaults.",
                "One multi-document YAML on stdout, or with --out-dir one file per object and all.yaml."},
        footer = {"", "Examples:", "  podnet manifests | kubectl apply -f -",
                "  podnet manifests --from-plan examples/custom-networking.yaml --out-dir out/podnet",
                "  podnet manifests --image registry.example/podnet:0.1.0 --from-plan examples/private-cluster.yaml"})
final class ManifestsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Write one file per object and all.yaml here.")
    Path outDir;

    @Option(names = "--image", paramLabel = "REF",
            description = "The podnet image (default: podnet.dev/podnet:VERSION, what bin/podnet-image builds).")
    String image;

    @Option(names = "--from-plan", paramLabel = "FILE", description = "The cluster file podnet plan reads (see examples/).")
    Path plan;

    @Option(names = "--cloud", paramLabel = "aws", defaultValue = "aws",
            description = "Where the agent's addresses come from (default ${DEFAULT-VALUE}; the only one today).")
    String cloud;

    @Override
    public Integer call() throws IOException {
        if (!cloud.equals("aws")) {
            throw new InvalidInputException("--cloud must be aws, got \"" + cloud + "\"");
        }
        String ref = image != null ? image : ManifestSettings.defaultImage();
        ManifestSettings settings;
        if (plan == null) {
            settings = ManifestSettings.defaults(ref);
        } else {
            Optional<ManifestSettings> fromPlan = fromPlan(ref);
            if (fromPlan.isEmpty()) {
                return Main.EXIT_BAD_INPUT;
            }
            settings = fromPlan.get();
        }
        List<Manifest> manifests = Manifests.generate(settings);
        PrintWriter out = spec.commandLine().getOut();
        if (outDir == null) {
            out.print(Manifests.joined(manifests, settings));
            out.flush();
            return 0;
        }
        List<Path> files = Manifests.write(outDir, manifests, settings);
        PrintWriter err = spec.commandLine().getErr();
        err.println("podnet manifests: wrote " + files.size() + " files to " + outDir + ":");
        for (int i = 0; i < manifests.size(); i++) {
            err.println("  " + files.get(i).getFileName() + "  " + manifests.get(i));
        }
        err.println("  " + Manifests.ALL + "  all of them, in this order");
        return 0;
    }

    /** Empty when the plan has errors, which are printed as podnet plan prints them. */
    private Optional<ManifestSettings> fromPlan(String ref) {
        // a file that does not parse or names a bad field: PlanInputException, exit 2 with file, field and value
        ClusterPlan cluster = new PlanReader(InstanceCatalogue.bundled()).read(plan);
        PlanReport report = new PlanEngine().plan(cluster);
        if (report.hasErrors()) {
            report.findings().stream().filter(f -> f.severity() == Finding.Severity.ERROR)
                    .forEach(f -> spec.commandLine().getErr().println(plan + ": " + f.message()));
            spec.commandLine().getErr().println("podnet manifests: nothing written because of the errors above");
            return Optional.empty();
        }
        Map<String, String> env = new LinkedHashMap<>();
        NodeAgentSettings.env(cluster).forEach(v -> env.put(v.name(), v.value()));
        Optional<Map<String, Object>> proxy = NodeAgentSettings.proxyConfigMap(cluster);
        List<Map<String, Object>> objects = new ArrayList<>();
        proxy.ifPresent(objects::add);
        objects.addAll(NodeAgentSettings.eniConfigs(cluster));
        return Optional.of(new ManifestSettings(ref, plan + " (cluster " + cluster.name() + ", " + cluster.mode().id()
                + ")", env, proxy.map(p -> NodeAgentSettings.PROXY_CONFIG_MAP), objects));
    }
}
