package dev.podnet.warm;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.warm.NodeLimits;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A StatefulSet pod's address following the pod to this node ({@link WarmPool#claim}): the first of the node's
 * attached pod ENIs with a free slot in the address's subnet takes it, by AssignPrivateIpAddresses with
 * AllowReassignment, which moves it off whichever ENI held it. EC2 answers a repeated assignment with no change.
 */
final class AddressMove {
    private AddressMove() {
    }

    /** The ENI that now holds {@code address}; EXHAUSTED (CNI code 11: the runtime retries) when none could take it. */
    static String onto(CloudNetwork cloud, NodeSupply current, NodeLimits limits, String instanceId,
                       IPAddress address) {
        List<NodeSupply.Eni> roomy = current.enis().stream().filter(e -> e.forPods() && e.attached()
                && e.slots().size() < limits.slotsPerEni()).toList();
        Map<String, String> cidrs = new HashMap<>();
        cloud.describeSubnets(roomy.stream().map(NodeSupply.Eni::subnetId).distinct().toList())
                .forEach(sn -> cidrs.put(sn.id(), sn.cidrBlock()));
        NodeSupply.Eni eni = roomy.stream().filter(e -> cidrs.containsKey(e.subnetId())
                        && new IPAddressString(cidrs.get(e.subnetId())).getAddress().toPrefixBlock().contains(address))
                .findFirst().orElseThrow(() -> new IpamException(IpamException.Reason.EXHAUSTED, "address " + address
                        + " cannot move to " + instanceId + ": none of its ENIs in subnets " + cidrs.values()
                        + " has a free slot in the address's subnet"));
        try {
            cloud.assignPrivateIpAddresses(eni.id(), List.of(address.toCanonicalString()), true);
        } catch (CloudException e) {
            throw new IpamException(IpamException.Reason.EXHAUSTED, "address " + address + " could not move to "
                    + eni.id() + " of " + instanceId + ": " + e.getMessage(), e);
        }
        return eni.id();
    }
}
