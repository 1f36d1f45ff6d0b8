package dev.podnet.planner.artifacts;

import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.model.Mode;
import dev.podnet.planner.report.Artifact;
import dev.podnet.planner.report.PlanReport;
import java.util.ArrayList;
import java.util.List;

/**
 * The files {@code podnet plan --out-dir} writes, only those the plan's mode needs, in the order they are applied.
 * <pre>
 *   every mode          vpc-setup.sh, security-group-rules.yaml, eksctl-cluster.yaml, aws-node-env.yaml
 *   proxy present       vpc-endpoints.sh, node-user-data.sh, proxy-environment.yaml
 *   custom-networking   eniconfigs.yaml
 *   dual-stack          eniconfigs.yaml, ippools.yaml, network-attachment-definition.yaml
 * </pre>
 */
public final class ArtifactGenerator {

    private ArtifactGenerator() {
    }

    /**
     * @throws IllegalStateException when the report does not match the plan (a group or pod subnet missing) or a
     *                               pod subnet cannot hold its nodes' prefixes; the planner refuses such plans first
     */
    public static List<Artifact> generate(ClusterPlan plan, PlanReport report) {
        PlanView in = new PlanView(plan, report);
        boolean privateCluster = plan.proxy().isPresent();
        List<Artifact> artifacts = new ArrayList<>();
        artifacts.add(VpcSetupScript.artifact(in));
        if (privateCluster) {
            artifacts.add(VpcEndpointsScript.artifact(in));
        }
        artifacts.add(SecurityGroupRules.artifact(in));
        artifacts.add(EksctlConfig.artifact(in));
        if (privateCluster) {
            artifacts.add(NodeUserData.artifact(in));
            artifacts.add(ProxyEnvironment.artifact(in));
        }
        artifacts.add(AwsNodeEnv.artifact(in));
        if (plan.mode().usesPodSubnets()) {
            artifacts.add(EniConfigs.artifact(in));
        }
        if (plan.mode() == Mode.DUAL_STACK) {
            artifacts.add(IpPools.artifact(in));
            artifacts.add(UnderlayAttachment.artifact(in));
        }
        return List.copyOf(artifacts);
    }
}
