package dev.podnet.cloud.sim;

import java.util.List;
import java.util.Objects;

/**
 * A route table of the emulated world: the main one of its VPC (which every subnet without an explicit association
 * uses) or not, and the subnets explicitly associated with it.
 */
public record RouteTableSpec(String id, String vpcId, boolean main, List<String> subnetIds) {
    public RouteTableSpec {
        Objects.requireNonNull(id, "route table id");
        Objects.requireNonNull(vpcId, "vpcId");
        subnetIds = List.copyOf(subnetIds);
    }

    /** The main route table a world gets for a VPC that declares none: "rtb-" and the VPC id's digits. */
    public static RouteTableSpec mainOf(String vpcId) {
        return new RouteTableSpec("rtb-" + vpcId.replaceFirst("^vpc-", ""), vpcId, true, List.of());
    }
}
