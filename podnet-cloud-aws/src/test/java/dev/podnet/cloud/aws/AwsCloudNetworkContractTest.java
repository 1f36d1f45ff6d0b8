package dev.podnet.cloud.aws;

import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.CloudNetworkContract;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.vpcsim.Ec2QueryServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;

/** The shared contract through the whole stack: AWS SDK v2, HTTP on 127.0.0.1, the EC2 Query front, the emulator. */
class AwsCloudNetworkContractTest extends CloudNetworkContract {

    private Ec2QueryServer server;
    private AwsCloudNetwork network;

    @Override
    protected CloudNetwork network() {
        VpcEmulator emulator = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        try {
            server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        network = AwsCloudNetwork.create(AwsSettings.builder()
                .region(DefaultWorld.REGION)
                .endpoint(URI.create(server.endpoint()))
                .staticCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                .build());
        return network;
    }

    @AfterEach
    void closeServers() {
        if (network != null) {
            network.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
