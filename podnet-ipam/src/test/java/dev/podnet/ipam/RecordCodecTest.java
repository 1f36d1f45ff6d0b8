package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.ipam.JournalRecord.Allocated;
import dev.podnet.net.FramedFile.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    @Test
    void theJavadocExampleIsWhatTheCodecWrites() {
        Allocated a = new Allocated(AttachmentKey.of("4f2c9e", "eth0"), "default",
                List.of(Addresses.parse("10.0.0.2"), Addresses.parse("fd00::2")), Instant.ofEpochMilli(1700000000000L),
                Optional.empty());
        byte[] frame = RecordCodec.frame(a);
        assertThat(new String(frame, StandardCharsets.US_ASCII))
                .isEqualTo("52 dc55c5f2 A 1700000000000 4f2c9e eth0 default 10.0.0.2,fd00::2\n");
        Frame.Ok ok = (Frame.Ok) RecordCodec.read(frame, 0);
        assertThat(ok.next()).isEqualTo(frame.length);
        assertThat(RecordCodec.parse(ok.payload())).isEqualTo(a);
    }

    @Test
    void everyRecordKindRoundTrips() {
        List<JournalRecord> records = List.of(
                new JournalRecord.Released(AttachmentKey.of("c", "net1"), Instant.ofEpochMilli(5)),
                new JournalRecord.Quarantined(Addresses.parse("fd00::9"), Instant.ofEpochMilli(6)),
                new JournalRecord.Cursor("p", Addresses.parse("10.1.2.3")));
        for (JournalRecord r : records) {
            Frame.Ok ok = (Frame.Ok) RecordCodec.read(RecordCodec.frame(r), 0);
            assertThat(RecordCodec.parse(ok.payload())).isEqualTo(r);
        }
    }

    @Test
    void prefixesAreIncompleteAndFlippedBitsAreBad() {
        byte[] frame = RecordCodec.frame(new JournalRecord.Cursor("p", Addresses.parse("10.1.2.3")));
        for (int cut = 1; cut < frame.length; cut++) {
            Frame f = RecordCodec.read(java.util.Arrays.copyOf(frame, cut), 0);
            assertThat(f).as("cut %d", cut).isNotInstanceOf(Frame.Ok.class);
        }
        for (int i = 0; i < frame.length; i++) {
            byte[] flipped = frame.clone();
            flipped[i] ^= 0x10;
            assertThat(RecordCodec.read(flipped, 0)).as("flip %d", i).isNotInstanceOf(Frame.Ok.class);
        }
    }
}
