package dev.podnet.planner.artifacts;

import static dev.podnet.planner.artifacts.ShellScript.aws;
import static dev.podnet.planner.artifacts.ShellScript.quote;
import static dev.podnet.planner.artifacts.ShellScript.ref;
import static dev.podnet.planner.artifacts.ShellScript.zoneVariable;

import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.report.Artifact;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The VPC endpoints a private cluster reaches AWS through: interface endpoints, and a gateway for S3. */
final class VpcEndpointsScript {
    static final String PATH = "vpc-endpoints.sh";
    private static final String S3 = "s3";

    private VpcEndpointsScript() {
    }

    static Artifact artifact(PlanView in) {
        ClusterPlan plan = in.plan();
        ClusterPlan.Proxy proxy = plan.proxy().orElseThrow();
        ShellScript script = new ShellScript(in.origin() + "\n"
                + "VPC endpoints for a private cluster. Review, then run once before creating the cluster.");
        script.set("REGION", plan.region());
        script.known("VPC_ID", plan.vpc().id(), "set VPC_ID to the id of the cluster VPC");
        script.require("ENDPOINT_SECURITY_GROUP",
                "set ENDPOINT_SECURITY_GROUP to a security group that allows 443/tcp from the VPC CIDRs");
        List<String> subnets = plan.zones().stream()
                .map(z -> script.known(zoneVariable("NODE_SUBNET", z.name()), z.nodeSubnetId(),
                        "set " + zoneVariable("NODE_SUBNET", z.name()) + " to the node subnet id in " + z.name()))
                .toList();
        String on = quote("{\"Value\":true}");
        script.step("Private DNS names of interface endpoints need DNS support and DNS host names in the VPC.",
                aws("ec2 modify-vpc-attribute", "--vpc-id", ref("VPC_ID"), "--enable-dns-support", on),
                aws("ec2 modify-vpc-attribute", "--vpc-id", ref("VPC_ID"), "--enable-dns-hostnames", on));
        for (String service : proxy.endpoints()) {
            if (service.equals(S3)) {
                continue;
            }
            List<String> args = new ArrayList<>(List.of("--vpc-id", ref("VPC_ID"), "--vpc-endpoint-type", "Interface",
                    "--service-name", quote(serviceName(plan, service)), "--subnet-ids"));
            args.addAll(subnets);
            args.addAll(List.of("--security-group-ids", ref("ENDPOINT_SECURITY_GROUP"), "--private-dns-enabled"));
            script.step("Interface endpoint for " + service + ": with private DNS, "
                            + NoProxyList.endpointHost(service, plan.region())
                            + " resolves to addresses in the node subnets.",
                    aws("ec2 create-vpc-endpoint", args.toArray(String[]::new)));
        }
        if (proxy.endpoints().contains(S3)) {
            List<String> args = new ArrayList<>(List.of("--vpc-id", ref("VPC_ID"), "--vpc-endpoint-type", "Gateway",
                    "--service-name", quote(serviceName(plan, S3)), "--route-table-ids"));
            args.addAll(routeTables(plan, script));
            script.step("Gateway endpoint for S3 (ECR image layers live there): free, and routed through the node "
                    + "subnets' route tables.", aws("ec2 create-vpc-endpoint", args.toArray(String[]::new)));
        }
        return new Artifact(PATH, "AWS CLI script: VPC endpoints for the private cluster", script.render());
    }

    private static String serviceName(ClusterPlan plan, String service) {
        return "com.amazonaws." + plan.region() + "." + service;
    }

    /** One reference per distinct route table: zones often share one, and AWS refuses the same table twice. */
    private static List<String> routeTables(ClusterPlan plan, ShellScript script) {
        Map<String, String> refs = new LinkedHashMap<>();
        for (ClusterPlan.Zone zone : plan.zones()) {
            String variable = zoneVariable("ROUTE_TABLE", zone.name());
            String key = zone.routeTableId().orElse(variable);
            refs.computeIfAbsent(key, k -> script.known(variable, zone.routeTableId(),
                    "set " + variable + " to the route table of the node subnet in " + zone.name()));
        }
        return List.copyOf(refs.values());
    }
}
