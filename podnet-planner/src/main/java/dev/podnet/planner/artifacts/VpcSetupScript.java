package dev.podnet.planner.artifacts;

import static dev.podnet.planner.artifacts.ShellScript.aws;
import static dev.podnet.planner.artifacts.ShellScript.quote;
import static dev.podnet.planner.artifacts.ShellScript.ref;
import static dev.podnet.planner.artifacts.ShellScript.zoneVariable;

import dev.podnet.net.Cidr;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.model.Mode;
import dev.podnet.planner.report.Artifact;
import java.util.ArrayList;
import java.util.List;

/** The AWS CLI changes the plan needs in the VPC: secondary CIDRs, pod subnets, prefix reservations. */
final class VpcSetupScript {
    static final String PATH = "vpc-setup.sh";

    // associate-vpc-cidr-block returns while the block is "associating"; subnets in it fail until it is "associated"
    private static final String WAIT_FOR_CIDR = """
            wait_for_cidr() {
                local state=associating
                while [ "$state" = associating ]; do
                    sleep 5
                    state="$(aws ec2 describe-vpcs --region "$REGION" --vpc-ids "$VPC_ID" \\
                        --query "Vpcs[0].CidrBlockAssociationSet[?CidrBlock=='$1'].CidrBlockState.State | [0]" \\
                        --output text)"
                done
                if [ "$state" != associated ]; then
                    echo "CIDR block $1 is $state, not associated" >&2
                    exit 1
                fi
            }""";

    private VpcSetupScript() {
    }

    static Artifact artifact(PlanView in) {
        ClusterPlan plan = in.plan();
        ShellScript script = new ShellScript(in.origin() + "\n"
                + "Review each step, then run it once with credentials for the VPC's account; it is not idempotent.");
        script.set("REGION", plan.region());
        script.known("VPC_ID", plan.vpc().id(), "set VPC_ID to the id of the cluster VPC");
        secondaryCidrs(plan, script);
        if (plan.mode().usesPodSubnets()) {
            podSubnets(in, script);
        }
        if (plan.mode().usesPrefixes()) {
            reservations(in, script);
        }
        if (plan.mode().usesPodSubnets()) {
            applyEniConfigs(plan, script);
        }
        if (!script.hasSteps()) {
            script.step("Nothing to change: " + plan.mode().id() + " mode uses the existing subnets as they are.");
        }
        return new Artifact(PATH, "AWS CLI script: secondary CIDRs, pod subnets and prefix reservations",
                script.render());
    }

    private static void secondaryCidrs(ClusterPlan plan, ShellScript script) {
        if (plan.vpc().secondaryCidrs().isEmpty()) {
            return;
        }
        script.step("Waits until a CIDR block associated with the VPC is usable.", WAIT_FOR_CIDR);
        for (Cidr cidr : plan.vpc().secondaryCidrs()) {
            script.step("Associate " + cidr + " with the VPC: " + (plan.mode().usesPodSubnets()
                            ? "the pod subnets are carved from it." : "the plan places addresses in it."),
                    aws("ec2 associate-vpc-cidr-block", "--vpc-id", ref("VPC_ID"),
                            "--cidr-block", quote(cidr.toString())),
                    "wait_for_cidr " + quote(cidr.toString()));
        }
    }

    private static void podSubnets(PlanView in, ShellScript script) {
        ClusterPlan plan = in.plan();
        for (int i = 0; i < plan.zones().size(); i++) {
            ClusterPlan.Zone zone = plan.zones().get(i);
            String variable = zoneVariable("POD_SUBNET", zone.name());
            Cidr subnet = in.podSubnet(zone.name());
            if (zone.podSubnetId().isPresent()) {
                String ipv6 = plan.mode() == Mode.DUAL_STACK
                        ? " It must hold " + PodPrefixes.zoneIpv6Block(plan, i) + ", which the /80 pools come from." : "";
                script.step("The pod subnet in " + zone.name() + " (" + subnet + ") exists already." + ipv6,
                        "export " + variable + "=" + quote(zone.podSubnetId().get()));
                continue;
            }
            String routeTable = script.known(zoneVariable("ROUTE_TABLE", zone.name()), zone.routeTableId(),
                    "set " + zoneVariable("ROUTE_TABLE", zone.name()) + " to the route table of the node subnet in "
                            + zone.name());
            List<String> args = new ArrayList<>(List.of("--vpc-id", ref("VPC_ID"),
                    "--availability-zone", quote(zone.name()), "--cidr-block", quote(subnet.toString())));
            if (plan.mode() == Mode.DUAL_STACK) {
                // the zone's /64: each node's pool takes one /80 of it
                args.addAll(List.of("--ipv6-cidr-block", quote(PodPrefixes.zoneIpv6Block(plan, i).toString())));
            }
            args.addAll(List.of("--tag-specifications", quote(tags(plan.name(), zone.name())),
                    "--query", "Subnet.SubnetId", "--output", "text"));
            script.step("Pod subnet in " + zone.name() + ": " + subnet + ". The ELB tag lets internal load balancers "
                            + "target pods in it.",
                    variable + "=\"$(" + aws("ec2 create-subnet", args.toArray(String[]::new)) + ")\"",
                    "export " + variable);
            script.step("Route the pod subnet like the node subnet in " + zone.name() + ", so pods reach the same "
                            + "destinations as their nodes.",
                    aws("ec2 associate-route-table", "--route-table-id", routeTable, "--subnet-id", ref(variable)));
        }
    }

    private static String tags(String cluster, String zone) {
        return "ResourceType=subnet,Tags=[{Key=Name,Value=" + cluster + "-pods-" + zone + "},"
                + "{Key=kubernetes.io/cluster/" + cluster + ",Value=shared},"
                + "{Key=kubernetes.io/role/internal-elb,Value=1}]";
    }

    private static void reservations(PlanView in, ShellScript script) {
        ClusterPlan plan = in.plan();
        PodPrefixes prefixes = PodPrefixes.of(in);
        for (ClusterPlan.Zone zone : plan.zones()) {
            List<Cidr> reserved = prefixes.reservations(zone.name());
            if (reserved.isEmpty()) {
                continue;
            }
            String subnetId = plan.mode().usesPodSubnets()
                    ? ref(zoneVariable("POD_SUBNET", zone.name()))
                    : script.known(zoneVariable("NODE_SUBNET", zone.name()), zone.nodeSubnetId(),
                            "set " + zoneVariable("NODE_SUBNET", zone.name()) + " to the node subnet id in "
                                    + zone.name());
            String[] commands = reserved.stream()
                    .map(cidr -> aws("ec2 create-subnet-cidr-reservation", "--subnet-id", subnetId,
                            "--cidr", quote(cidr.toString()), "--reservation-type", "prefix"))
                    .toArray(String[]::new);
            script.step("Reserve the prefixes the planned nodes in " + zone.name() + " take from "
                    + prefixes.subnet(zone.name()) + ", so AWS hands out no single\n"
                    + "addresses there: scattered single addresses leave no aligned /28 free (InsufficientCidrBlocks)\n"
                    + "while addresses remain. The first and last /28 stay outside for ENI primary addresses.",
                    commands);
        }
    }

    private static void applyEniConfigs(ClusterPlan plan, ShellScript script) {
        List<String> echoes = plan.zones().stream()
                .map(z -> zoneVariable("POD_SUBNET", z.name()))
                .map(v -> "echo \"" + v + "=$" + v + "\"")
                .toList();
        script.step("Keep the pod subnet ids: eniconfigs.yaml needs them if the next step has to be rerun.",
                echoes.toArray(String[]::new));
        script.step("Create the ENIConfigs in the cluster of the current kubectl context (the cluster must exist).",
                "envsubst < \"$(dirname \"$0\")/eniconfigs.yaml\" | kubectl apply -f -");
    }
}
