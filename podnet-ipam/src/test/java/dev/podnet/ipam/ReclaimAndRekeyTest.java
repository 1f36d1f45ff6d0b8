package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.ipam.IpamException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a StatefulSet pod needs from the engine: its addresses kept under a reservation key between two incarnations
 * ({@link Ipam#rekey}), and taken back out of quarantine by their owner alone ({@link AllocationRequest#reclaim}).
 */
class ReclaimAndRekeyTest {
    static final Pool DS = Pool.of("ds", IpRange.of("10.0.0.0/28"), IpRange.of("fd00::/124"));
    static final PodRef DB0 = new PodRef("shop", "db-0", "uid-1");
    static final PodRef DB0_AGAIN = new PodRef("shop", "db-0", "uid-2");
    static final AttachmentKey OLD = AttachmentKey.of("c1", "eth0");
    static final AttachmentKey KEPT = AttachmentKey.of("sts_shop_db-0", "eth0");
    static final AttachmentKey NEW = AttachmentKey.of("c2", "eth0");

    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock();

    Ipam open() {
        return Ipam.open(dir, List.of(DS), clock, IpamOptions.builder().quarantine(Duration.ofMinutes(5)).build());
    }

    static List<inet.ipaddr.IPAddress> addresses(Allocation a) {
        return a.addresses().stream().map(AssignedAddress::address).toList();
    }

    static AllocationRequest asking(AttachmentKey key, List<inet.ipaddr.IPAddress> addresses, PodRef pod) {
        return new AllocationRequest(key, "ds", addresses, Optional.of(pod), List.of());
    }

    @Test
    void rekeyHandsTheAddressesOnWithoutQuarantineAndSurvivesARestart() {
        List<inet.ipaddr.IPAddress> held;
        try (Ipam ipam = open()) {
            held = addresses(ipam.allocate(AllocationRequest.of(OLD, "ds").withPod(Optional.of(DB0))));
            Allocation kept = ipam.rekey(OLD, KEPT, Optional.empty());
            assertThat(kept.key()).isEqualTo(KEPT);
            assertThat(kept.pod()).contains(DB0);
            assertThat(ipam.find(OLD)).isEmpty();
            assertThat(ipam.use(held.getFirst())).isEqualTo(new AddressUse.Held(KEPT));
            assertThat(ipam.poolStatus().getFirst().ipv4().quarantined()).isZero();
        }
        try (Ipam ipam = open()) {
            assertThat(ipam.use(held.getFirst())).isEqualTo(new AddressUse.Held(KEPT));
            Allocation taken = ipam.rekey(KEPT, NEW, Optional.of(DB0_AGAIN));
            assertThat(addresses(taken)).isEqualTo(held);
            assertThat(taken.pod()).contains(DB0_AGAIN);
            assertThat(ipam.release(NEW)).isPresent();
            assertThat(ipam.use(held.getFirst())).isInstanceOf(AddressUse.Quarantined.class);
        }
        try (Ipam ipam = open()) {
            assertThat(ipam.allocations()).isEmpty();
            assertThat(ipam.use(held.getFirst())).isInstanceOf(AddressUse.Quarantined.class);
        }
    }

    @Test
    void rekeyRefusesAMissingSourceAndATakenTarget() {
        try (Ipam ipam = open()) {
            assertThatThrownBy(() -> ipam.rekey(OLD, KEPT, Optional.empty()))
                    .hasFieldOrPropertyWithValue("reason", Reason.NOT_FOUND).hasMessageContaining("c1/eth0");
            ipam.allocate(AllocationRequest.of(OLD, "ds"));
            ipam.allocate(AllocationRequest.of(NEW, "ds"));
            assertThatThrownBy(() -> ipam.rekey(OLD, NEW, Optional.empty()))
                    .hasFieldOrPropertyWithValue("reason", Reason.CONFLICT).hasMessageContaining("c2/eth0 already holds");
            assertThat(ipam.find(OLD)).isPresent();
        }
    }

    @Test
    void onlyAReclaimingRequestTakesAQuarantinedAddressBack() {
        try (Ipam ipam = open()) {
            List<inet.ipaddr.IPAddress> held = addresses(ipam.allocate(asking(OLD, List.of(), DB0)));
            ipam.release(OLD);
            assertThatThrownBy(() -> ipam.allocate(asking(NEW, held, DB0_AGAIN)))
                    .hasFieldOrPropertyWithValue("reason", Reason.CONFLICT).hasMessageContaining("quarantine");
            Allocation back = ipam.allocate(asking(NEW, held, DB0_AGAIN).reclaiming());
            assertThat(addresses(back)).isEqualTo(held);
            assertThat(ipam.poolStatus().getFirst().ipv4().quarantined()).isZero();
            assertThat(ipam.poolStatus().getFirst().ipv4().used()).isOne();
        }
        try (Ipam ipam = open()) {
            assertThat(ipam.find(NEW).map(ReclaimAndRekeyTest::addresses)).isPresent();
            assertThat(ipam.poolStatus().getFirst().ipv4().quarantined()).isZero();
        }
    }

    @Test
    void aRefusedReclaimLeavesTheQuarantineAsItWas() {
        try (Ipam ipam = open()) {
            List<inet.ipaddr.IPAddress> held = addresses(ipam.allocate(asking(OLD, List.of(), DB0)));
            ipam.release(OLD);
            // The IPv6 address is held by another attachment: the whole request fails, the IPv4 one rests on.
            inet.ipaddr.IPAddress v6 = addresses(ipam.allocate(AllocationRequest.of(AttachmentKey.of("other", "eth0"),
                    "ds"))).get(1);
            assertThatThrownBy(() -> ipam.allocate(asking(NEW, List.of(held.getFirst(), v6), DB0_AGAIN).reclaiming()))
                    .hasFieldOrPropertyWithValue("reason", Reason.CONFLICT).hasMessageContaining("other/eth0");
            assertThat(ipam.use(held.getFirst())).isEqualTo(new AddressUse.Quarantined(
                    clock.instant().plus(Duration.ofMinutes(5))));
            assertThat(ipam.poolStatus().getFirst().ipv4().quarantined()).isOne();
            clock.advance(Duration.ofMinutes(5));
            assertThat(ipam.use(held.getFirst())).isEqualTo(new AddressUse.Free());
        }
    }

    @Test
    void aSnapshotKeepsReservationsAndReclaimedAddresses() {
        List<inet.ipaddr.IPAddress> first;
        try (Ipam ipam = open()) {
            first = addresses(ipam.allocate(asking(OLD, List.of(), DB0)));
            ipam.rekey(OLD, KEPT, Optional.empty());
            Allocation other = ipam.allocate(asking(AttachmentKey.of("c3", "eth0"), List.of(),
                    new PodRef("shop", "db-1", "u3")));
            ipam.release(other.key());
            ipam.allocate(asking(AttachmentKey.of("c4", "eth0"), addresses(other), new PodRef("shop", "db-1", "u4"))
                    .reclaiming());
            ipam.compact();
        }
        try (Ipam ipam = open()) {
            assertThat(ipam.use(first.getFirst())).isEqualTo(new AddressUse.Held(KEPT));
            assertThat(ipam.find(AttachmentKey.of("c4", "eth0"))).isPresent();
            assertThat(ipam.poolStatus().getFirst().ipv4().quarantined()).isZero();
            assertThat(ipam.poolStatus().getFirst().ipv4().used()).isEqualTo(2);
        }
    }
}
