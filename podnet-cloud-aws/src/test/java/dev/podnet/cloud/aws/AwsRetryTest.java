package dev.podnet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.sim.CallLog;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.vpcsim.Ec2QueryServer;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's retry strategy as configured by the adapter, against the emulator over HTTP: RequestLimitExceeded is
 * retried with backoff up to the configured attempts, and surfaces with its code once they are spent.
 */
class AwsRetryTest {

    private VpcEmulator emulator;
    private Ec2QueryServer server;

    @BeforeEach
    void start() throws IOException {
        emulator = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AwsCloudNetwork network(int maxAttempts) {
        return AwsCloudNetwork.create(AwsSettings.builder()
                .region(DefaultWorld.REGION)
                .endpoint(URI.create(server.endpoint()))
                .staticCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI")
                .maxAttempts(maxAttempts)
                .build());
    }

    @Test
    void throttledCallsAreRetriedUntilTheySucceed() {
        emulator.faults().inject("AssignPrivateIpAddresses", Ec2Error.REQUEST_LIMIT_EXCEEDED, 2);
        try (AwsCloudNetwork network = network(5)) {
            String eni = network.describeInstance(DefaultWorld.INSTANCE_M5_LARGE).networkInterfaces().getFirst().id();

            assertThat(network.assignPrivateIpAddresses(eni, 2)).hasSize(2);
        }
        assertThat(emulator.calls().count("AssignPrivateIpAddresses", "RequestLimitExceeded")).isEqualTo(2);
        assertThat(emulator.calls().count("AssignPrivateIpAddresses", CallLog.OK)).isEqualTo(1);
    }

    @Test
    void withOneAttemptTheThrottleSurfacesWithItsCode() {
        emulator.faults().inject("AssignPrivateIpAddresses", Ec2Error.REQUEST_LIMIT_EXCEEDED, 2);
        try (AwsCloudNetwork network = network(1)) {
            String eni = network.describeInstance(DefaultWorld.INSTANCE_M5_LARGE).networkInterfaces().getFirst().id();

            assertThatThrownBy(() -> network.assignPrivateIpAddresses(eni, 2))
                    .isInstanceOfSatisfying(CloudException.class, e -> {
                        assertThat(e.code()).isEqualTo("RequestLimitExceeded");
                        assertThat(e.retryable()).isTrue();
                    });
        }
        assertThat(emulator.calls().count("AssignPrivateIpAddresses")).isEqualTo(1);
    }

    @Test
    void retriesStopAtMaxAttempts() {
        emulator.faults().inject("DescribeSubnets", Ec2Error.REQUEST_LIMIT_EXCEEDED, 10);
        try (AwsCloudNetwork network = network(2)) {

            assertThatThrownBy(() -> network.describeSubnets(java.util.List.of()))
                    .isInstanceOfSatisfying(CloudException.class,
                            e -> assertThat(e.is(Ec2Error.REQUEST_LIMIT_EXCEEDED)).isTrue());
        }
        assertThat(emulator.calls().count("DescribeSubnets", "RequestLimitExceeded")).isEqualTo(2);
    }
}
