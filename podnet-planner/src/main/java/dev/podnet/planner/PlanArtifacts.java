package dev.podnet.planner;

import dev.podnet.planner.artifacts.ArtifactGenerator;
import dev.podnet.planner.html.HtmlReport;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.report.Artifact;
import dev.podnet.planner.report.PlanReport;
import java.util.ArrayList;
import java.util.List;

/** Every file {@code podnet plan --out-dir} writes: the generated manifests and scripts, and the HTML report. */
public final class PlanArtifacts {
    private PlanArtifacts() {
    }

    public static List<Artifact> all(ClusterPlan plan, PlanReport report) {
        List<Artifact> artifacts = new ArrayList<>(ArtifactGenerator.generate(plan, report));
        artifacts.add(new Artifact("report.html", "the plan as a self-contained HTML page", HtmlReport.render(report)));
        return artifacts;
    }
}
