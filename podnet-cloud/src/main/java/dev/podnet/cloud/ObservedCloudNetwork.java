package dev.podnet.cloud;

import java.util.List;
import java.util.function.Supplier;

/**
 * A CloudNetwork that reports every call (EC2 action name, outcome: "ok" or the error code, duration) to a listener,
 * for metrics. Delegates everything else unchanged.
 */
public final class ObservedCloudNetwork implements CloudNetwork {

    /** Told about each call after it ends. */
    public interface Listener {
        void called(String action, String outcome, long nanos);
    }

    private final CloudNetwork delegate;
    private final Listener listener;

    public ObservedCloudNetwork(CloudNetwork delegate, Listener listener) {
        this.delegate = delegate;
        this.listener = listener;
    }

    private <T> T observe(String action, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            return call.get();
        } catch (CloudException e) {
            outcome = e.code();
            throw e;
        } catch (RuntimeException e) {
            outcome = "ClientError";
            throw e;
        } finally {
            listener.called(action, outcome, System.nanoTime() - start);
        }
    }

    private void observe(String action, Runnable call) {
        observe(action, () -> {
            call.run();
            return null;
        });
    }

    @Override
    public Instance describeInstance(String instanceId) {
        return observe("DescribeInstances", () -> delegate.describeInstance(instanceId));
    }

    @Override
    public List<Subnet> describeSubnets(List<String> subnetIds) {
        return observe("DescribeSubnets", () -> delegate.describeSubnets(subnetIds));
    }

    @Override
    public VpcCidrs describeVpc(String vpcId) {
        return observe("DescribeVpcs", () -> delegate.describeVpc(vpcId));
    }

    @Override
    public List<NetworkInterface> describeNetworkInterfaces(EniFilter filter) {
        return observe("DescribeNetworkInterfaces", () -> delegate.describeNetworkInterfaces(filter));
    }

    @Override
    public NetworkInterface createNetworkInterface(CreateEni request) {
        return observe("CreateNetworkInterface", () -> delegate.createNetworkInterface(request));
    }

    @Override
    public String attachNetworkInterface(String eniId, String instanceId, int deviceIndex) {
        return observe("AttachNetworkInterface", () -> delegate.attachNetworkInterface(eniId, instanceId, deviceIndex));
    }

    @Override
    public void detachNetworkInterface(String attachmentId, boolean force) {
        observe("DetachNetworkInterface", () -> delegate.detachNetworkInterface(attachmentId, force));
    }

    @Override
    public void deleteNetworkInterface(String eniId) {
        observe("DeleteNetworkInterface", () -> delegate.deleteNetworkInterface(eniId));
    }

    @Override
    public List<String> assignPrivateIpAddresses(String eniId, int count) {
        return observe("AssignPrivateIpAddresses", () -> delegate.assignPrivateIpAddresses(eniId, count));
    }

    @Override
    public List<String> assignPrivateIpAddresses(String eniId, List<String> addresses, boolean allowReassignment) {
        return observe("AssignPrivateIpAddresses",
                () -> delegate.assignPrivateIpAddresses(eniId, addresses, allowReassignment));
    }

    @Override
    public void unassignPrivateIpAddresses(String eniId, List<String> addresses) {
        observe("UnassignPrivateIpAddresses", () -> delegate.unassignPrivateIpAddresses(eniId, addresses));
    }

    @Override
    public List<String> assignIpv4Prefixes(String eniId, int count) {
        return observe("AssignPrivateIpAddresses", () -> delegate.assignIpv4Prefixes(eniId, count));
    }

    @Override
    public List<String> assignIpv4Prefixes(String eniId, List<String> prefixes) {
        return observe("AssignPrivateIpAddresses", () -> delegate.assignIpv4Prefixes(eniId, prefixes));
    }

    @Override
    public void unassignIpv4Prefixes(String eniId, List<String> prefixes) {
        observe("UnassignPrivateIpAddresses", () -> delegate.unassignIpv4Prefixes(eniId, prefixes));
    }

    @Override
    public List<String> assignIpv6Prefixes(String eniId, int count) {
        return observe("AssignIpv6Addresses", () -> delegate.assignIpv6Prefixes(eniId, count));
    }

    @Override
    public List<String> assignIpv6Prefixes(String eniId, List<String> prefixes) {
        return observe("AssignIpv6Addresses", () -> delegate.assignIpv6Prefixes(eniId, prefixes));
    }

    @Override
    public void unassignIpv6Prefixes(String eniId, List<String> prefixes) {
        observe("UnassignIpv6Addresses", () -> delegate.unassignIpv6Prefixes(eniId, prefixes));
    }
}
