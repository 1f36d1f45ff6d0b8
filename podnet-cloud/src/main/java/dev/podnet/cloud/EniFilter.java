package dev.podnet.cloud;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The DescribeNetworkInterfaces filters podnet uses: ENI ids, {@code attachment.instance-id}, {@code status},
 * {@code subnet-id} and {@code tag:KEY} = value. Empty parts do not filter.
 */
public record EniFilter(List<String> eniIds, Optional<String> instanceId, Optional<String> status,
                        Optional<String> subnetId, Map<String, String> tags) {
    public EniFilter {
        eniIds = List.copyOf(eniIds);
        tags = Map.copyOf(tags);
    }

    public static EniFilter all() {
        return new EniFilter(List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    public static EniFilter ids(String... ids) {
        return new EniFilter(List.of(ids), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    public static EniFilter attachedTo(String instanceId) {
        return new EniFilter(List.of(), Optional.of(instanceId), Optional.empty(), Optional.empty(), Map.of());
    }

    public static EniFilter tagged(Map<String, String> tags) {
        return new EniFilter(List.of(), Optional.empty(), Optional.empty(), Optional.empty(), tags);
    }

    public EniFilter withStatus(String s) {
        return new EniFilter(eniIds, instanceId, Optional.of(s), subnetId, tags);
    }
}
