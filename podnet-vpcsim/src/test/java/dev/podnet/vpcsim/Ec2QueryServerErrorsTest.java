package dev.podnet.vpcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.Instance;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VirtualClock;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.VpcResources.Vpc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The protocol's edges: EC2's error document and statuses, versions, methods, limits, logging and binding. */
class Ec2QueryServerErrorsTest {

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private VpcEmulator emulator;
    private Ec2QueryServer server;
    private Ec2Http ec2;

    @BeforeEach
    void start() throws Exception {
        VirtualClock clock = new VirtualClock();
        emulator = VpcEmulator.builder(DefaultWorld.spec()).clock(clock).sleeper(clock)
                .throttle(new ThrottleConfig(ThrottleConfig.Bucket.UNLIMITED, new ThrottleConfig.Bucket(3, 0))).build();
        server = Ec2QueryServer.start(emulator, new Ec2QueryServer.Options(new InetSocketAddress("127.0.0.1", 0),
                false, true, new PrintStream(log, true, StandardCharsets.UTF_8)));
        ec2 = new Ec2Http(server.endpoint());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void errorsAreEc2sDocument() {
        Ec2Http.Answer r = ec2.call("DescribeVolumes");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("text/xml;charset=UTF-8");
        assertThat(r.body()).matches("<\\?xml version=\"1.0\" encoding=\"UTF-8\"\\?>\n<Response><Errors><Error>"
                + "<Code>InvalidAction</Code><Message>The action DescribeVolumes is not valid for this web service.</Message>"
                + "</Error></Errors><RequestID>[0-9a-f-]{36}</RequestID></Response>");
    }

    @Test
    void missingAndMalformedParameters() {
        Ec2Http.Answer missing = ec2.call("AttachNetworkInterface", "NetworkInterfaceId", "eni-1", "InstanceId", "i-1");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("MissingParameter");
        assertThat(missing.text("//Message")).isEqualTo("The request must contain the parameter DeviceIndex");

        Ec2Http.Answer bad = ec2.call("AttachNetworkInterface", "NetworkInterfaceId", "eni-1", "InstanceId", "i-1",
                "DeviceIndex", "first");
        assertThat(bad.errorCode()).isEqualTo("InvalidParameterValue");
        assertThat(bad.text("//Message")).contains("first", "DeviceIndex");

        Ec2Http.Answer neither = ec2.call("AssignPrivateIpAddresses", "NetworkInterfaceId", "eni-1");
        assertThat(neither.errorCode()).isEqualTo("MissingParameter");
        Ec2Http.Answer both = ec2.call("AssignPrivateIpAddresses", "NetworkInterfaceId", "eni-1",
                "SecondaryPrivateIpAddressCount", "1", "Ipv4PrefixCount", "1");
        assertThat(both.errorCode()).isEqualTo("InvalidParameterCombination");

        Ec2Http.Answer filter = ec2.call("DescribeSubnets", "Filter.1.Name", "colour", "Filter.1.Value.1", "red");
        assertThat(filter.errorCode()).isEqualTo("InvalidParameterValue");
        assertThat(ec2.call("DescribeNetworkInterfaces", "NetworkInterfaceId.1", "nope").errorCode())
                .isEqualTo("InvalidNetworkInterfaceID.Malformed");
    }

    @Test
    void onlyVersion20161115() {
        Ec2Http.Answer old = ec2.post("Action=DescribeSubnets&Version=2014-10-01", Map.of());
        assertThat(old.status()).isEqualTo(400);
        assertThat(old.errorCode()).isEqualTo("NoSuchVersion");
        Ec2Http.Answer none = ec2.post("Action=DescribeSubnets", Map.of());
        assertThat(none.errorCode()).isEqualTo("MissingParameter");
        assertThat(none.text("//Message")).contains("Version");
        assertThat(ec2.post("Version=2016-11-15", Map.of()).errorCode()).isEqualTo("MissingAction");
    }

    @Test
    void signedRequestsAreAcceptedUnchecked() {
        Ec2Http.Answer r = ec2.post("Action=DescribeSubnets&Version=2016-11-15", Map.of(
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/ec2/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=0000",
                "X-Amz-Date", "20250101T000000Z", "X-Amz-Security-Token", "token"));
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void throttlingAndInjectedFaultsKeepTheirStatus() {
        emulator.faults().inject("AttachNetworkInterface", Ec2Error.UNAVAILABLE, 1);
        Ec2Http.Answer unavailable = ec2.call("AttachNetworkInterface", "NetworkInterfaceId", "eni-1",
                "InstanceId", "i-1", "DeviceIndex", "1");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.errorCode()).isEqualTo("Unavailable");

        for (int i = 0; i < 3; i++) {
            assertThat(ec2.call("DescribeSubnets").status()).isEqualTo(200);
        }
        Ec2Http.Answer throttled = ec2.call("DescribeSubnets");
        assertThat(throttled.status()).isEqualTo(503);
        assertThat(throttled.errorCode()).isEqualTo("RequestLimitExceeded");
    }

    @Test
    void dryRunSucceedsWithoutDoingAnything() {
        Ec2Http.Answer r = ec2.call("CreateNetworkInterface", "SubnetId", DefaultWorld.POD_SUBNET_A, "DryRun", "true");
        assertThat(r.status()).isEqualTo(412);
        assertThat(r.errorCode()).isEqualTo("DryRunOperation");
        assertThat(emulator.calls().count("CreateNetworkInterface")).isZero();
    }

    @Test
    void oversizedBodiesAreRefused() {
        String padding = "x".repeat(Ec2QueryServer.MAX_BODY_BYTES);
        Ec2Http.Answer r = ec2.post("Action=DescribeSubnets&Version=2016-11-15&Description=" + padding, Map.of());
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorCode()).isEqualTo("RequestEntityTooLarge");
    }

    @Test
    void otherMethodsAndPathsAreRefused() {
        Ec2Http.Answer put = ec2.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
                .PUT(HttpRequest.BodyPublishers.ofString("Action=DescribeSubnets&Version=2016-11-15")).build());
        assertThat(put.status()).isEqualTo(405);
        assertThat(ec2.get("/other?Action=DescribeSubnets&Version=2016-11-15").status()).isEqualTo(404);
    }

    @Test
    void internalErrorsHideTheirCause() throws Exception {
        Ec2Actions broken = new Ec2Actions(emulator, new WorldDirectory() {
            @Override
            public List<Instance> describeInstances(List<String> instanceIds) {
                throw new IllegalStateException("secret detail");
            }

            @Override
            public List<Vpc> describeVpcs(List<String> vpcIds) {
                return emulator.describeVpcs(vpcIds);
            }
        });
        try (Ec2QueryServer other = Ec2QueryServer.start(broken, Ec2QueryServer.Options.loopback(0))) {
            Ec2Http.Answer r = new Ec2Http(other.endpoint()).call("DescribeInstances");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.errorCode()).isEqualTo("InternalError");
            assertThat(r.body()).doesNotContain("secret", "Exception", "at dev.");
        }
    }

    @Test
    void debugLogsOneLinePerRequest() {
        ec2.call("DescribeSubnets");
        ec2.call("Nonsense");
        String[] lines = log.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("vpcsim: POST DescribeSubnets ").contains(" 200 ");
        assertThat(lines[1]).startsWith("vpcsim: POST Nonsense ").contains(" 400 ");
    }

    @Test
    void refusesToListenBeyondLoopbackUnlessAllowed() {
        assertThatThrownBy(() -> Ec2QueryServer.start(emulator, new Ec2QueryServer.Options(
                new InetSocketAddress("0.0.0.0", 0), false, false, System.err)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
    }
}
