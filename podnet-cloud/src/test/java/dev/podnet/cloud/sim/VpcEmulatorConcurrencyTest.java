package dev.podnet.cloud.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.CreateEni;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VpcEmulatorConcurrencyTest {

    @Test
    void concurrentCallersNeverGetTheSameAddress() throws Exception {
        VirtualClock clock = new VirtualClock();
        VpcEmulator ec2 = SmallWorld.emulator(clock);
        long before = ec2.describeSubnets(List.of(SmallWorld.NODES)).getFirst().availableIpAddressCount();
        List<Future<List<String>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    String eni = ec2.createNetworkInterface(new CreateEni(SmallWorld.NODES, List.of(), "", Map.of())).id();
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        mine.addAll(ec2.assignPrivateIpAddresses(eni, 1));
                    }
                    return mine;
                }));
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> f : results) {
            all.addAll(f.get());
        }
        assertThat(all).hasSize(100).doesNotHaveDuplicates();
        assertThat(ec2.describeSubnets(List.of(SmallWorld.NODES)).getFirst().availableIpAddressCount())
                .isEqualTo(before - 4 - 100);
        assertThat(ec2.calls().count("AssignPrivateIpAddresses", CallLog.OK)).isEqualTo(100);
    }
}
