package dev.podnet.planner.artifacts;

import dev.podnet.net.Cidr;
import dev.podnet.planner.model.ClusterPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a private cluster's nodes and aws-node must reach without the proxy: the VPC itself, the instance metadata
 * service, the cluster endpoint and the AWS services that have a VPC endpoint. Order: VPC blocks, service CIDR,
 * local addresses, AWS names, then the user's extra entries; duplicates keep their first place.
 */
record NoProxyList(List<String> entries) {

    NoProxyList {
        entries = List.copyOf(entries);
    }

    static NoProxyList of(ClusterPlan plan) {
        ClusterPlan.Proxy proxy = plan.proxy()
                .orElseThrow(() -> new IllegalStateException("cluster " + plan.name() + " has no proxy"));
        Set<String> entries = new LinkedHashSet<>();
        entries.add(plan.vpc().cidr().toString());
        plan.vpc().existingCidrs().forEach(c -> entries.add(c.toString()));
        plan.vpc().secondaryCidrs().forEach(c -> entries.add(c.toString()));
        plan.vpc().ipv6Cidr().map(Cidr::toString).ifPresent(entries::add);
        entries.add(plan.serviceCidr().toString());
        // the instance metadata service, loopback and the VPC's own DNS names (ip-10-0-0-1.eu-west-1.compute.internal)
        Collections.addAll(entries, "169.254.169.254", "localhost", "127.0.0.1", ".internal");
        // the cluster endpoint is <id>.<xx>.<region>.eks.amazonaws.com, unknown until the cluster exists
        entries.add("." + plan.region() + ".eks.amazonaws.com");
        proxy.endpoints().forEach(service -> entries.add(endpointHost(service, plan.region())));
        entries.addAll(proxy.noProxy());
        return new NoProxyList(new ArrayList<>(entries));
    }

    /**
     * The host name clients use for an endpoint service. Dotted service names are reversed in the host name
     * ({@code ecr.api} is {@code api.ecr.<region>.amazonaws.com}, {@code ecr.dkr} is {@code <account>.dkr.ecr...},
     * which a Go NO_PROXY entry matches as a subdomain of {@code dkr.ecr...}).
     */
    static String endpointHost(String service, String region) {
        List<String> parts = new ArrayList<>(List.of(service.split("\\.")));
        Collections.reverse(parts);
        return String.join(".", parts) + "." + region + ".amazonaws.com";
    }

    /** The comma-separated form HTTP clients read. */
    String joined() {
        return String.join(",", entries);
    }
}
