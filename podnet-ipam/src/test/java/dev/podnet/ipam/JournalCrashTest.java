package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.ipam.IpamException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash mid-append leaves a prefix of the bytes written. Cutting the journal at every byte offset must replay
 * to the state after some whole number of records: never an error, never a third state.
 */
class JournalCrashTest {

    static final List<Pool> POOLS = List.of(Pool.of("ds", IpRange.of("10.0.0.0/28"), IpRange.of("fd00::/124")));

    @TempDir
    Path tmp;
    final FakeClock clock = new FakeClock();

    Ipam open(Path dir) {
        return Ipam.open(dir, POOLS, clock, IpamOptions.defaults());
    }

    /** What must survive a restart: counts (quarantine included) and every allocation. */
    static IpamStatus state(Ipam ipam) {
        return ipam.status();
    }

    /** Runs a mix of operations, one journal record each; returns the state after 0..n records. */
    List<IpamStatus> writeHistory(Path dir) {
        List<IpamStatus> states = new ArrayList<>();
        try (Ipam ipam = open(dir)) {
            states.add(state(ipam));
            for (int i = 0; i < 5; i++) {
                ipam.allocate(AllocationRequest.of(AttachmentKey.of("c" + i, "eth0"), "ds"));
                states.add(state(ipam));
                clock.advance(Duration.ofSeconds(7));
            }
            ipam.release(AttachmentKey.of("c1", "eth0"));
            states.add(state(ipam));
            ipam.allocate(AllocationRequest.of(AttachmentKey.of("c9", "net1"), "ds", "10.0.0.10")
                    .withPod(java.util.Optional.of(PodRefTest.WEB)));
            states.add(state(ipam));
            clock.advance(Duration.ofSeconds(3));
            List<inet.ipaddr.IPAddress> c3 = ipam.release(AttachmentKey.of("c3", "eth0")).orElseThrow().addresses()
                    .stream().map(AssignedAddress::address).toList();
            states.add(state(ipam));
            // A StatefulSet pod's addresses kept under a reservation key, then taken back by its next incarnation.
            ipam.rekey(AttachmentKey.of("c9", "net1"), AttachmentKey.of("sts_shop_db-0", "net1"),
                    java.util.Optional.empty());
            states.add(state(ipam));
            ipam.allocate(new AllocationRequest(AttachmentKey.of("c3b", "eth0"), "ds", c3, java.util.Optional.empty(),
                    List.of()).reclaiming());
            states.add(state(ipam));
        }
        return states;
    }

    @Test
    void cuttingTheJournalAtAnyByteReplaysToTheStateBeforeOrAfterEachRecord() throws IOException {
        Path original = tmp.resolve("original");
        List<IpamStatus> states = writeHistory(original);
        byte[] journal = Files.readAllBytes(original.resolve("journal.0"));
        List<Integer> recordEnds = new ArrayList<>();
        for (int i = 0; i < journal.length; i++) {
            if (journal[i] == '\n') {
                recordEnds.add(i + 1);
            }
        }
        assertThat(recordEnds).hasSize(states.size());   // header + one record per change
        int headerEnd = recordEnds.getFirst();
        for (int cut = 0; cut <= journal.length; cut++) {
            Path dir = tmp.resolve("cut" + cut);
            Files.createDirectories(dir);
            Files.write(dir.resolve("journal.0"), Arrays.copyOf(journal, cut));
            int complete = 0;
            while (complete + 1 < recordEnds.size() && recordEnds.get(complete + 1) <= cut) {
                complete++;
            }
            try (Ipam ipam = open(dir)) {
                assertThat(state(ipam)).as("cut at byte %d", cut).isEqualTo(states.get(complete));
                ipam.allocate(AllocationRequest.of(AttachmentKey.of("after", "eth0"), "ds", "10.0.0.12"));
            }
            // The torn tail was cut off (or a torn header rewritten) before the new record went after it.
            int kept = complete == 0 ? headerEnd : recordEnds.get(complete);
            byte[] now = Files.readAllBytes(dir.resolve("journal.0"));
            assertThat(Arrays.copyOf(now, kept)).isEqualTo(Arrays.copyOf(journal, kept));
            assertThat(RecordCodec.read(now, kept)).isInstanceOf(dev.podnet.net.FramedFile.Frame.Ok.class);
            try (Ipam again = open(dir)) {
                assertThat(again.find(AttachmentKey.of("after", "eth0"))).isPresent();
            }
        }
    }

    @Test
    void aZeroFilledOrGarbledLastRecordIsCutOff() throws IOException {
        Path dir = tmp.resolve("z");
        List<IpamStatus> states = writeHistory(dir);
        Path file = dir.resolve("journal.0");
        byte[] good = Files.readAllBytes(file);
        Files.write(file, concat(good, new byte[300]));
        try (Ipam ipam = open(dir)) {
            assertThat(state(ipam)).isEqualTo(states.getLast());
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(good);
        byte[] garbled = good.clone();
        garbled[garbled.length - 3] ^= 0x01;   // inside the last payload: its checksum no longer matches
        Files.write(file, garbled);
        try (Ipam ipam = open(dir)) {
            assertThat(state(ipam)).isEqualTo(states.get(states.size() - 2));
        }
    }

    @Test
    void damageFollowedByAValidRecordIsAnErrorNamingFileAndOffset() throws IOException {
        Path dir = tmp.resolve("m");
        writeHistory(dir);
        Path file = dir.resolve("journal.0");
        byte[] bytes = Files.readAllBytes(file);
        int second = indexAfterNewline(bytes, 2);
        bytes[second + 20] ^= 0x04;
        Files.write(file, bytes);
        assertThatThrownBy(() -> open(dir))
                .isInstanceOf(IpamException.class).hasFieldOrPropertyWithValue("reason", Reason.INTERNAL)
                .hasMessageContaining(file + " is corrupt at offset " + second)
                .hasMessageContaining("checksum mismatch, yet a valid record follows");
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);   // nothing was cut
    }

    @Test
    void aRecordThatContradictsTheStateIsAnError() throws IOException {
        Path dir = tmp.resolve("d");
        writeHistory(dir);
        Path file = dir.resolve("journal.0");
        // The same attachment allocated twice cannot come from a crash.
        byte[] line = RecordCodec.frame(new JournalRecord.Allocated(AttachmentKey.of("c0", "eth0"), "ds",
                List.of(Addresses.parse("10.0.0.5")), clock.instant(), java.util.Optional.empty()));
        long offset = Files.size(file);
        Files.write(file, concat(Files.readAllBytes(file), line));
        assertThatThrownBy(() -> open(dir)).hasMessageContaining(file + " is corrupt at offset " + offset)
                .hasMessageContaining("allocated twice");
    }

    @Test
    void aFailedJournalWriteStopsTheEngineAndReopeningReturnsToWhatIsOnDisk() throws IOException {
        Path dir = tmp.resolve("f");
        Ipam ipam = open(dir);
        Allocation kept = ipam.allocate(AllocationRequest.of(AttachmentKey.of("kept", "eth0"), "ds"));
        ipam.currentJournal().abandon();   // the next write fails as a dying disk would
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(AttachmentKey.of("lost", "eth0"), "ds")))
                .hasFieldOrPropertyWithValue("reason", Reason.INTERNAL).hasMessageContaining("journal write failed");
        assertThatThrownBy(ipam::status).hasFieldOrPropertyWithValue("reason", Reason.INTERNAL)
                .hasMessageContaining("must be reopened");
        ipam.close();
        try (Ipam reopened = open(dir)) {
            assertThat(reopened.allocations()).containsExactly(kept);
        }
    }

    private static int indexAfterNewline(byte[] bytes, int n) {
        int seen = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && ++seen == n) {
                return i + 1;
            }
        }
        throw new AssertionError("fewer than " + n + " lines");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
