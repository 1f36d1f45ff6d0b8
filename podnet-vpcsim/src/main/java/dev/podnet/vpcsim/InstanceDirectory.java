package dev.podnet.vpcsim;

import dev.podnet.cloud.Instance;
import java.util.List;

/**
 * DescribeInstances over many instances, which the CloudNetwork SPI does not have (podnet only ever asks about its
 * own node). The emulator provides it; an empty list means every instance.
 */
@FunctionalInterface
public interface InstanceDirectory {
    List<Instance> describeInstances(List<String> instanceIds);
}
