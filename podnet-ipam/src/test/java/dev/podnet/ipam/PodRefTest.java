package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.ipam.JournalRecord.Allocated;
import dev.podnet.net.FramedFile;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodRefTest {
    static final PodRef WEB = new PodRef("shop", "web-7d4f9.b", "0c8a6f1e-2b7d-4c55-9f0a-6b1f2e3d4c5b");
    static final List<Pool> POOLS = List.of(Pool.of("default", IpRange.of("10.0.0.0/24"), IpRange.of("fd00::/120")));

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Shop    | web   | u1  | namespace
            shop-   | web   | u1  | namespace
            a/b     | web   | u1  | namespace
            shop    | web 1 | u1  | name
            shop    | -web  | u1  | name
            shop    | web/x | u1  | name
            shop    | web   | a/b | uid
            shop    | web   | a b | uid
            """)
    void whatCannotBeAKubernetesPodIsRefusedNamingTheField(String namespace, String name, String uid, String field) {
        assertThatThrownBy(() -> new PodRef(namespace, name, uid)).isInstanceOf(IpamException.class)
                .hasMessageStartingWith("pod " + field + " \"");
        assertThatThrownBy(() -> new PodRef("shop", "x".repeat(254), "u")).hasMessageContaining("at most 253");
    }

    @Test
    void anAllocatedRecordCarriesItsPodAsOneMoreToken() {
        Allocated a = new Allocated(AttachmentKey.of("4f2c9e", "eth0"), "default", List.of(Addresses.parse("10.0.0.2")),
                Instant.ofEpochMilli(1700000000000L), Optional.of(WEB));
        String payload = RecordCodec.payload(a);
        assertThat(payload).isEqualTo("A 1700000000000 4f2c9e eth0 default 10.0.0.2 "
                + "shop/web-7d4f9.b/0c8a6f1e-2b7d-4c55-9f0a-6b1f2e3d4c5b");
        assertThat(RecordCodec.parse(payload)).isEqualTo(a);
        assertThatThrownBy(() -> RecordCodec.parse(payload + " x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecordCodec.parse(payload.replace("/web", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NAMESPACE/NAME/UID");
    }

    /** A journal as podnet wrote it before pods were recorded: its lines, byte for byte. */
    @Test
    void aJournalWrittenBeforePodsReplaysAndTakesNewRecordsAfterIt() throws Exception {
        ByteArrayOutputStream old = new ByteArrayOutputStream();
        for (String payload : List.of("H journal 1 0", "A 1700000000000 4f2c9e eth0 default 10.0.0.2,fd00::2",
                "A 1700000000001 5d3e1a eth0 default 10.0.0.3,fd00::3", "R 1700000000002 5d3e1a eth0")) {
            old.writeBytes(FramedFile.frame(payload));
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve("journal.0"), old.toByteArray());
        FakeClock clock = new FakeClock(Instant.ofEpochMilli(1700000000003L));

        try (Ipam ipam = Ipam.open(dir, POOLS, clock, IpamOptions.defaults())) {
            assertThat(ipam.allocations()).singleElement().satisfies(a -> {
                assertThat(a.key()).isEqualTo(AttachmentKey.of("4f2c9e", "eth0"));
                assertThat(a.addresses()).extracting(AssignedAddress::cidrText).containsExactly("10.0.0.2/24", "fd00::2/120");
                assertThat(a.pod()).isEmpty();
            });
            ipam.allocate(AllocationRequest.of(AttachmentKey.of("6e4f2b", "eth0"), "default").withPod(Optional.of(WEB)));
        }
        assertThat(Files.readString(dir.resolve("journal.0"))).startsWith(old.toString())
                .contains(" shop/web-7d4f9.b/0c8a6f1e-2b7d-4c55-9f0a-6b1f2e3d4c5b\n");
        try (Ipam ipam = Ipam.open(dir, POOLS, clock, IpamOptions.defaults())) {
            assertThat(ipam.allocations()).extracting(Allocation::pod).containsExactly(Optional.empty(), Optional.of(WEB));
            ipam.compact();
        }
        try (Ipam ipam = Ipam.open(dir, POOLS, clock, IpamOptions.defaults())) {
            assertThat(ipam.allocations()).extracting(Allocation::pod).containsExactly(Optional.empty(), Optional.of(WEB));
            // The pod does not change what an ADD of the same attachment answers.
            Allocation again = ipam.allocate(AllocationRequest.of(AttachmentKey.of("6e4f2b", "eth0"), "default"));
            assertThat(again.pod()).contains(WEB);
        }
    }
}
