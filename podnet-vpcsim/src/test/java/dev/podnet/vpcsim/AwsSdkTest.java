package dev.podnet.vpcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AssignPrivateIpAddressesResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** The AWS SDK for Java v2 EC2 client (protocol "ec2", signed requests) against the server. */
class AwsSdkTest {

    private Ec2QueryServer server;
    private Ec2Client ec2;

    @BeforeEach
    void start() throws Exception {
        VirtualClock clock = new VirtualClock();
        VpcEmulator emulator = VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock)
                .throttle(ThrottleConfig.UNLIMITED).build();
        server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0));
        ec2 = Ec2Client.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @AfterEach
    void stop() {
        if (ec2 != null) {
            ec2.close();
        }
        server.close();
    }

    @Test
    void theSdkReadsEveryAction() {
        Instance node = ec2.describeInstances(r -> r.instanceIds(DefaultWorld.INSTANCE_C5_XLARGE))
                .reservations().getFirst().instances().getFirst();
        assertThat(node.instanceTypeAsString()).isEqualTo("c5.xlarge");
        assertThat(node.placement().availabilityZone()).isEqualTo("us-east-1b");
        assertThat(node.networkInterfaces().getFirst().attachment().deviceIndex()).isZero();
        assertThat(node.networkInterfaces().getFirst().privateIpAddresses().getFirst().primary()).isTrue();

        assertThat(ec2.describeSubnets(r -> r.filters(Filter.builder().name("tag:kubernetes.io/role/cni").values("1").build()))
                .subnets()).hasSize(3).allMatch(s -> s.availableIpAddressCount() == (1 << 14) - 5);

        NetworkInterface eni = ec2.createNetworkInterface(r -> r.subnetId(DefaultWorld.POD_SUBNET_B)
                .groups(DefaultWorld.SECURITY_GROUP_PODS).description("pods")
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.NETWORK_INTERFACE)
                        .tags(Tag.builder().key("podnet.dev/node").value(node.instanceId()).build()).build()))
                .networkInterface();
        assertThat(eni.tagSet()).containsExactly(Tag.builder().key("podnet.dev/node").value(node.instanceId()).build());
        String attachmentId = ec2.attachNetworkInterface(r -> r.networkInterfaceId(eni.networkInterfaceId())
                .instanceId(node.instanceId()).deviceIndex(1)).attachmentId();
        ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(eni.networkInterfaceId())
                .attachment(a -> a.attachmentId(attachmentId).deleteOnTermination(true)));

        AssignPrivateIpAddressesResponse prefixes = ec2.assignPrivateIpAddresses(r -> r
                .networkInterfaceId(eni.networkInterfaceId()).ipv4PrefixCount(2));
        assertThat(prefixes.assignedIpv4Prefixes()).hasSize(2).allMatch(p -> p.ipv4Prefix().endsWith("/28"));
        assertThat(ec2.assignIpv6Addresses(r -> r.networkInterfaceId(eni.networkInterfaceId()).ipv6PrefixCount(1))
                .assignedIpv6Prefixes()).singleElement().asString().endsWith("/80");

        NetworkInterface described = ec2.describeNetworkInterfaces(r -> r.filters(
                Filter.builder().name("attachment.instance-id").values(node.instanceId()).build(),
                Filter.builder().name("tag:podnet.dev/node").values(node.instanceId()).build()))
                .networkInterfaces().getFirst();
        assertThat(described.networkInterfaceId()).isEqualTo(eni.networkInterfaceId());
        assertThat(described.attachment().deviceIndex()).isEqualTo(1);
        assertThat(described.ipv4Prefixes()).hasSize(2);
        assertThat(described.ipv6Prefixes()).hasSize(1);

        ec2.unassignPrivateIpAddresses(r -> r.networkInterfaceId(eni.networkInterfaceId())
                .ipv4Prefixes(prefixes.assignedIpv4Prefixes().getFirst().ipv4Prefix()));
        ec2.detachNetworkInterface(r -> r.attachmentId(attachmentId).force(true));
        ec2.deleteNetworkInterface(r -> r.networkInterfaceId(eni.networkInterfaceId()));

        assertThatThrownBy(() -> ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni.networkInterfaceId())))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidNetworkInterfaceID.NotFound");
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.requestId()).matches("[0-9a-f-]{36}");
                });
    }
}
