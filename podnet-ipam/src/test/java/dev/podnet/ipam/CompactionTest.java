package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.CompactionStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompactionTest {

    static final List<Pool> POOLS = List.of(Pool.of("ds", IpRange.of("10.0.0.0/28"), IpRange.of("fd00::/124")),
            Pool.of("v4", IpRange.of("10.1.0.0/29")));

    @TempDir
    Path tmp;
    final FakeClock clock = new FakeClock();

    static final class Crash extends RuntimeException {
    }

    Ipam open(Path dir) {
        return Ipam.open(dir, POOLS, clock, IpamOptions.builder().compactionExecutor(Runnable::run).build());
    }

    /** Allocations, a release still in quarantine and moved cursors: everything a snapshot must carry. */
    void history(Ipam... targets) {
        for (int i = 0; i < 6; i++) {
            for (Ipam ipam : targets) {
                ipam.allocate(AllocationRequest.of(AttachmentKey.of("c" + i, "eth0"), i % 2 == 0 ? "ds" : "v4"));
            }
            clock.advance(Duration.ofSeconds(2));
        }
        for (Ipam ipam : targets) {
            ipam.release(AttachmentKey.of("c2", "eth0"));
            ipam.release(AttachmentKey.of("c1", "eth0"));
            ipam.allocate(AllocationRequest.of(AttachmentKey.of("c7", "eth1"), "ds", "fd00::9")
                    .withPod(java.util.Optional.of(PodRefTest.WEB)));
        }
    }

    @ParameterizedTest
    @EnumSource(CompactionStep.class)
    void aCrashAfterAnyCompactionStepReplaysToTheSameState(CompactionStep stop) throws IOException {
        Path dir = tmp.resolve("dir");
        Path reference = tmp.resolve("reference");
        Ipam ipam = open(dir);
        Ipam control = open(reference);
        history(ipam, control);
        IpamStatus before = ipam.status();
        assertThatThrownBy(() -> ipam.compact(step -> {
            if (step == stop) {
                throw new Crash();
            }
        })).isInstanceOf(Crash.class);
        ipam.crash();
        try (Ipam reopened = open(dir)) {
            assertThat(reopened.status()).isEqualTo(before);
            // Cursors and quarantine came back too: the next choices match a run that never compacted.
            for (int i = 0; i < 6; i++) {
                String pool = i < 2 ? "v4" : "ds";
                Allocation a = reopened.allocate(AllocationRequest.of(AttachmentKey.of("n" + i, "eth0"), pool));
                Allocation b = control.allocate(AllocationRequest.of(AttachmentKey.of("n" + i, "eth0"), pool));
                assertThat(a).isEqualTo(b);
                if (i == 1) {
                    assertThatThrownBy(() -> reopened.allocate(AllocationRequest.of(AttachmentKey.of("x", "eth0"), "v4")))
                            .hasMessageEndingWith("1 addresses in quarantine until 2025-01-01T00:00:42Z");
                    clock.advance(Duration.ofSeconds(30));
                }
            }
            assertThat(reopened.status()).isEqualTo(control.status());
        }
        assertThat(stateFiles(dir)).allMatch(name -> name.equals("lock") || name.matches("(snapshot|journal)\\.\\d+"))
                .hasSizeBetween(2, 3);
        try (Ipam again = open(dir)) {
            assertThat(again.status()).isEqualTo(control.status());
        }
        control.close();
    }

    @Test
    void compactionKeepsQuarantineTimesAndStartsAFreshGeneration() throws IOException {
        Path dir = tmp.resolve("q");
        try (Ipam ipam = open(dir)) {
            history(ipam);
            ipam.compact();
            ipam.compact();
            assertThat(stateFiles(dir)).containsExactlyInAnyOrder("lock", "snapshot.2", "journal.2");
            ipam.allocate(AllocationRequest.of(AttachmentKey.of("late", "eth0"), "ds"));
        }
        try (Ipam ipam = open(dir)) {
            assertThat(ipam.find(AttachmentKey.of("late", "eth0"))).isPresent();
            PoolStatus v4 = ipam.status().pools().get(1);
            assertThat(v4.ipv4().quarantined()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(30));
            assertThat(ipam.status().pools().get(1).ipv4().quarantined()).isZero();
        }
    }

    @Test
    void aLargeJournalIsCompactedInTheBackground() throws IOException {
        Path dir = tmp.resolve("auto");
        IpamOptions options = IpamOptions.builder().compactAfterBytes(2048).compactionExecutor(Runnable::run)
                .quarantine(Duration.ZERO).build();
        try (Ipam ipam = Ipam.open(dir, POOLS, clock, options)) {
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 5; i++) {
                    ipam.allocate(AllocationRequest.of(AttachmentKey.of("r" + round + "x" + i, "eth0"), "ds"));
                }
                ipam.releaseContainer("r" + round + "x0");
                ipam.gc(java.util.Set.of());
            }
            assertThat(ipam.journalStats().compactions()).isPositive();
            assertThat(ipam.journalStats().journalBytes()).isLessThan(2048 + 600);
        }
        try (Ipam ipam = Ipam.open(dir, POOLS, clock, options)) {
            assertThat(ipam.allocations()).isEmpty();
        }
    }

    @Test
    void aCorruptSnapshotIsAnErrorNamingIt() throws IOException {
        Path dir = tmp.resolve("s");
        try (Ipam ipam = open(dir)) {
            history(ipam);
            ipam.compact();
        }
        Path snapshot = dir.resolve("snapshot.1");
        byte[] bytes = Files.readAllBytes(snapshot);
        Files.write(snapshot, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertThatThrownBy(() -> open(dir)).hasMessageContaining(snapshot + " is corrupt at offset");
    }

    static List<String> stateFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
