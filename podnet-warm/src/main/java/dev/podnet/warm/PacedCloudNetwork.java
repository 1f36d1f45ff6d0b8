package dev.podnet.warm;

import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import dev.podnet.cloud.VpcCidrs;
import java.util.List;

/**
 * A CloudNetwork whose calls that change the node (create, attach, detach, delete ENIs; assign and unassign
 * addresses and prefixes) each wait for {@code pace} first, so a warm pool spends a shared EC2 call budget whichever
 * of its paths makes the call. Describe calls go at once: EC2 throttles them in a bucket of their own.
 */
final class PacedCloudNetwork implements CloudNetwork {
    private final CloudNetwork delegate;
    private final Runnable pace;

    PacedCloudNetwork(CloudNetwork delegate, Runnable pace) {
        this.delegate = delegate;
        this.pace = pace;
    }

    @Override
    public Instance describeInstance(String instanceId) {
        return delegate.describeInstance(instanceId);
    }

    @Override
    public List<Subnet> describeSubnets(List<String> subnetIds) {
        return delegate.describeSubnets(subnetIds);
    }

    @Override
    public VpcCidrs describeVpc(String vpcId) {
        return delegate.describeVpc(vpcId);
    }

    @Override
    public List<NetworkInterface> describeNetworkInterfaces(EniFilter filter) {
        return delegate.describeNetworkInterfaces(filter);
    }

    @Override
    public NetworkInterface createNetworkInterface(CreateEni request) {
        pace.run();
        return delegate.createNetworkInterface(request);
    }

    @Override
    public String attachNetworkInterface(String eniId, String instanceId, int deviceIndex) {
        pace.run();
        return delegate.attachNetworkInterface(eniId, instanceId, deviceIndex);
    }

    @Override
    public void detachNetworkInterface(String attachmentId, boolean force) {
        pace.run();
        delegate.detachNetworkInterface(attachmentId, force);
    }

    @Override
    public void deleteNetworkInterface(String eniId) {
        pace.run();
        delegate.deleteNetworkInterface(eniId);
    }

    @Override
    public List<String> assignPrivateIpAddresses(String eniId, int count) {
        pace.run();
        return delegate.assignPrivateIpAddresses(eniId, count);
    }

    @Override
    public List<String> assignPrivateIpAddresses(String eniId, List<String> addresses, boolean allowReassignment) {
        pace.run();
        return delegate.assignPrivateIpAddresses(eniId, addresses, allowReassignment);
    }

    @Override
    public void unassignPrivateIpAddresses(String eniId, List<String> addresses) {
        pace.run();
        delegate.unassignPrivateIpAddresses(eniId, addresses);
    }

    @Override
    public List<String> assignIpv4Prefixes(String eniId, int count) {
        pace.run();
        return delegate.assignIpv4Prefixes(eniId, count);
    }

    @Override
    public List<String> assignIpv4Prefixes(String eniId, List<String> prefixes) {
        pace.run();
        return delegate.assignIpv4Prefixes(eniId, prefixes);
    }

    @Override
    public void unassignIpv4Prefixes(String eniId, List<String> prefixes) {
        pace.run();
        delegate.unassignIpv4Prefixes(eniId, prefixes);
    }

    @Override
    public List<String> assignIpv6Prefixes(String eniId, int count) {
        pace.run();
        return delegate.assignIpv6Prefixes(eniId, count);
    }

    @Override
    public List<String> assignIpv6Prefixes(String eniId, List<String> prefixes) {
        pace.run();
        return delegate.assignIpv6Prefixes(eniId, prefixes);
    }

    @Override
    public void unassignIpv6Prefixes(String eniId, List<String> prefixes) {
        pace.run();
        delegate.unassignIpv6Prefixes(eniId, prefixes);
    }
}
