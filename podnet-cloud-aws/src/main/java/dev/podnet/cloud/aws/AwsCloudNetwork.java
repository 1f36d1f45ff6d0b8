package dev.podnet.cloud.aws;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import dev.podnet.cloud.VpcCidrs;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AssignPrivateIpAddressesRequest;
import software.amazon.awssdk.services.ec2.model.AssignedPrivateIpAddress;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkInterfacesRequest;
import software.amazon.awssdk.services.ec2.model.Ipv4PrefixSpecification;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * {@link CloudNetwork} over the AWS SDK v2 EC2 client. Each SPI method is one EC2 action (describeInstance is two, see
 * there); the SDK retries throttling and 5xx errors (see {@link Ec2ClientFactory}), and whatever still fails becomes a
 * {@link CloudException} with EC2's error code, or {@link Ec2Error#UNAVAILABLE} when EC2 could not be reached.
 */
public final class AwsCloudNetwork implements CloudNetwork, AutoCloseable {

    private final Ec2Client ec2;
    private final URI endpoint;
    private final Optional<URI> proxy;

    AwsCloudNetwork(Ec2Client ec2, URI endpoint, Optional<URI> proxy) {
        this.ec2 = ec2;
        this.endpoint = endpoint;
        this.proxy = proxy;
    }

    /** A client for these settings; the proxy is decided once here, from the endpoint and NO_PROXY. */
    public static AwsCloudNetwork create(AwsSettings settings) {
        URI endpoint = Ec2ClientFactory.endpoint(settings);
        Optional<URI> proxy = settings.proxy().proxyFor(endpoint);
        return new AwsCloudNetwork(Ec2ClientFactory.create(settings, endpoint, proxy), endpoint, proxy);
    }

    /** The EC2 endpoint this client calls. */
    public URI endpoint() {
        return endpoint;
    }

    /** The proxy this client goes through, or empty when it connects directly. */
    public Optional<URI> proxy() {
        return proxy;
    }

    /**
     * DescribeInstances, then DescribeNetworkInterfaces for the ENIs attached to it: DescribeInstances' own ENI
     * elements carry neither tags nor availability zone, and podnet finds the ENIs it owns by their tags.
     */
    @Override
    public Instance describeInstance(String instanceId) {
        var instance = call(() -> ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().stream()
                .map(Reservation::instances)
                .flatMap(List::stream)
                .filter(i -> instanceId.equals(i.instanceId()))
                .findFirst()
                .orElseThrow(() -> new CloudException(Ec2Error.INVALID_INSTANCE_ID_NOT_FOUND,
                        "The instance ID '" + instanceId + "' does not exist")));
        List<NetworkInterface> enis = describeNetworkInterfaces(EniFilter.attachedTo(instanceId)).stream()
                .sorted(Comparator.comparingInt(Ec2Mapper::deviceIndex))
                .toList();
        return Ec2Mapper.instance(instance, enis);
    }

    @Override
    public List<Subnet> describeSubnets(List<String> subnetIds) {
        return call(() -> ec2.describeSubnetsPaginator(r -> r.subnetIds(subnetIds)).subnets().stream()
                .map(Ec2Mapper::subnet)
                .toList());
    }

    @Override
    public VpcCidrs describeVpc(String vpcId) {
        return call(() -> ec2.describeVpcs(r -> r.vpcIds(vpcId)).vpcs().stream()
                .filter(v -> vpcId.equals(v.vpcId()))
                .findFirst()
                .map(Ec2Mapper::vpc)
                .orElseThrow(() -> new CloudException(Ec2Error.INVALID_VPC_ID_NOT_FOUND,
                        "The vpc ID '" + vpcId + "' does not exist")));
    }

    /** Pages through NextToken; MaxResults is not sent because EC2 refuses it together with NetworkInterfaceIds. */
    @Override
    public List<NetworkInterface> describeNetworkInterfaces(EniFilter filter) {
        DescribeNetworkInterfacesRequest request = DescribeNetworkInterfacesRequest.builder()
                .networkInterfaceIds(filter.eniIds())
                .filters(Ec2Mapper.filters(filter))
                .build();
        return call(() -> ec2.describeNetworkInterfacesPaginator(request).networkInterfaces().stream()
                .map(Ec2Mapper::eni)
                .toList());
    }

    @Override
    public NetworkInterface createNetworkInterface(CreateEni request) {
        return call(() -> {
            var created = ec2.createNetworkInterface(r -> {
                r.subnetId(request.subnetId()).groups(request.securityGroups()).description(request.description());
                if (!request.tags().isEmpty()) {
                    r.tagSpecifications(TagSpecification.builder()
                            .resourceType(ResourceType.NETWORK_INTERFACE)
                            .tags(Ec2Mapper.sdkTags(request.tags()))
                            .build());
                }
            });
            return Ec2Mapper.eni(created.networkInterface());
        });
    }

    @Override
    public String attachNetworkInterface(String eniId, String instanceId, int deviceIndex) {
        return call(() -> ec2.attachNetworkInterface(r -> r.networkInterfaceId(eniId).instanceId(instanceId)
                .deviceIndex(deviceIndex)).attachmentId());
    }

    @Override
    public void detachNetworkInterface(String attachmentId, boolean force) {
        call(() -> ec2.detachNetworkInterface(r -> r.attachmentId(attachmentId).force(force)));
    }

    @Override
    public void deleteNetworkInterface(String eniId) {
        call(() -> ec2.deleteNetworkInterface(r -> r.networkInterfaceId(eniId)));
    }

    @Override
    public List<String> assignPrivateIpAddresses(String eniId, int count) {
        return assignAddresses(AssignPrivateIpAddressesRequest.builder().networkInterfaceId(eniId)
                .secondaryPrivateIpAddressCount(count).build());
    }

    @Override
    public List<String> assignPrivateIpAddresses(String eniId, List<String> addresses, boolean allowReassignment) {
        return assignAddresses(AssignPrivateIpAddressesRequest.builder().networkInterfaceId(eniId)
                .privateIpAddresses(addresses).allowReassignment(allowReassignment).build());
    }

    private List<String> assignAddresses(AssignPrivateIpAddressesRequest request) {
        return call(() -> ec2.assignPrivateIpAddresses(request).assignedPrivateIpAddresses().stream()
                .map(AssignedPrivateIpAddress::privateIpAddress)
                .toList());
    }

    @Override
    public void unassignPrivateIpAddresses(String eniId, List<String> addresses) {
        call(() -> ec2.unassignPrivateIpAddresses(r -> r.networkInterfaceId(eniId).privateIpAddresses(addresses)));
    }

    @Override
    public List<String> assignIpv4Prefixes(String eniId, int count) {
        return assignPrefixes(AssignPrivateIpAddressesRequest.builder().networkInterfaceId(eniId)
                .ipv4PrefixCount(count).build());
    }

    @Override
    public List<String> assignIpv4Prefixes(String eniId, List<String> prefixes) {
        return assignPrefixes(AssignPrivateIpAddressesRequest.builder().networkInterfaceId(eniId)
                .ipv4Prefixes(prefixes).build());
    }

    private List<String> assignPrefixes(AssignPrivateIpAddressesRequest request) {
        return call(() -> ec2.assignPrivateIpAddresses(request).assignedIpv4Prefixes().stream()
                .map(Ipv4PrefixSpecification::ipv4Prefix)
                .toList());
    }

    @Override
    public void unassignIpv4Prefixes(String eniId, List<String> prefixes) {
        call(() -> ec2.unassignPrivateIpAddresses(r -> r.networkInterfaceId(eniId).ipv4Prefixes(prefixes)));
    }

    @Override
    public List<String> assignIpv6Prefixes(String eniId, int count) {
        return call(() -> List.copyOf(ec2.assignIpv6Addresses(r -> r.networkInterfaceId(eniId).ipv6PrefixCount(count))
                .assignedIpv6Prefixes()));
    }

    @Override
    public List<String> assignIpv6Prefixes(String eniId, List<String> prefixes) {
        return call(() -> List.copyOf(ec2.assignIpv6Addresses(r -> r.networkInterfaceId(eniId).ipv6Prefixes(prefixes))
                .assignedIpv6Prefixes()));
    }

    @Override
    public void unassignIpv6Prefixes(String eniId, List<String> prefixes) {
        call(() -> ec2.unassignIpv6Addresses(r -> r.networkInterfaceId(eniId).ipv6Prefixes(prefixes)));
    }

    @Override
    public void close() {
        ec2.close();
    }

    /** Runs one SDK call and turns the SDK's exceptions into CloudException by error code, never by message. */
    private <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (AwsServiceException e) {
            throw serviceError(e);
        } catch (SdkClientException e) {
            throw new CloudException(Ec2Error.UNAVAILABLE, "cannot reach EC2 at " + endpoint
                    + proxy.map(p -> " through proxy " + ProxySettings.redact(p)).orElse("") + ": " + e.getMessage());
        }
    }

    private CloudException serviceError(AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        if (details != null && details.errorCode() != null && !details.errorCode().isBlank()) {
            return new CloudException(details.errorCode(), details.errorMessage() == null ? "" : details.errorMessage());
        }
        // An answer without EC2's error format (an HTML page from a proxy, say): only the status is known. A 5xx is
        // worth retrying later (InternalError); anything else gets a code of its own, "Http403" say, that no caller
        // mistakes for one of EC2's.
        String message = "HTTP " + e.statusCode() + " from " + endpoint
                + proxy.map(p -> " through proxy " + ProxySettings.redact(p)).orElse("") + " without an EC2 error code";
        return e.statusCode() >= 500
                ? new CloudException(Ec2Error.INTERNAL_ERROR, message)
                : new CloudException("Http" + e.statusCode(), message);
    }
}
