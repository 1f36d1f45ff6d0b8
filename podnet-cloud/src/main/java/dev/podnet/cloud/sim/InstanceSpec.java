package dev.podnet.cloud.sim;

import java.util.List;
import java.util.Objects;

/**
 * A running instance of the emulated world. It starts with its primary ENI (device index 0) in {@code subnetId}
 * with {@code securityGroups} (empty = the world's default group).
 */
public record InstanceSpec(String id, String instanceType, String subnetId, List<String> securityGroups) {
    public InstanceSpec {
        Objects.requireNonNull(id, "instance id");
        Objects.requireNonNull(instanceType, "instanceType");
        Objects.requireNonNull(subnetId, "subnetId");
        securityGroups = List.copyOf(securityGroups);
    }
}
