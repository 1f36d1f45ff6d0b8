package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.ipam.IpamException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllocationTest {

    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock();
    final List<Ipam> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(Ipam::close);
    }

    Ipam open(Duration quarantine, Pool... pools) {
        Ipam ipam = Ipam.open(dir, List.of(pools), clock, IpamOptions.builder().quarantine(quarantine).build());
        opened.add(ipam);
        return ipam;
    }

    static AttachmentKey key(int i) {
        return AttachmentKey.of("c" + i, "eth0");
    }

    static String v4(Allocation a) {
        return a.addresses().getFirst().address().toString();
    }

    static List<String> drain(Ipam ipam, String pool) {
        List<String> got = new ArrayList<>();
        for (int i = 0; ; i++) {
            try {
                got.add(v4(ipam.allocate(AllocationRequest.of(key(i), pool))));
            } catch (IpamException e) {
                assertThat(e.reason()).isEqualTo(Reason.EXHAUSTED);
                return got;
            }
        }
    }

    @Test
    void networkGatewayAndBroadcastAreNeverHandedOut() {
        Ipam ipam = open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/29")));
        assertThat(drain(ipam, "p")).containsExactly("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6");
    }

    @Test
    void rangeStartEndAndExclusionsAreHonoured() {
        Ipam ipam = open(Duration.ZERO, Pool.of("p", IpRange.builder("10.0.0.0/24").rangeStart("10.0.0.10")
                .rangeEnd("10.0.0.14").exclude("10.0.0.12", "10.0.0.200").build()));
        assertThat(drain(ipam, "p")).containsExactly("10.0.0.10", "10.0.0.11", "10.0.0.13", "10.0.0.14");
    }

    @Test
    void rangesOfAFamilyAreTriedInOrderAndTheResultCarriesPrefixAndGateway() {
        Ipam ipam = open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/30"), IpRange.builder("10.0.1.0/24")
                .rangeStart("10.0.1.100").rangeEnd("10.0.1.100").gateway("10.0.1.254").build()));
        Allocation first = ipam.allocate(AllocationRequest.of(key(1), "p"));
        Allocation second = ipam.allocate(AllocationRequest.of(key(2), "p"));
        assertThat(first.addresses().getFirst().cidrText()).isEqualTo("10.0.0.2/30");
        assertThat(second.addresses().getFirst().cidrText()).isEqualTo("10.0.1.100/24");
        assertThat(second.addresses().getFirst().gateway()).get().hasToString("10.0.1.254");
    }

    @Test
    void searchResumesAfterTheLastAddressLikeHostLocal() {
        Ipam ipam = open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/29")));
        ipam.allocate(AllocationRequest.of(key(1), "p"));
        ipam.allocate(AllocationRequest.of(key(2), "p"));
        ipam.release(key(1));
        assertThat(v4(ipam.allocate(AllocationRequest.of(key(3), "p")))).isEqualTo("10.0.0.4");
    }

    @Test
    void addIsIdempotentAndJournalsOnce() {
        Ipam ipam = open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/24")));
        Allocation a = ipam.allocate(AllocationRequest.of(key(1), "p"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(ipam.allocate(AllocationRequest.of(key(1), "p"))).isEqualTo(a);
        assertThat(ipam.allocate(AllocationRequest.of(key(1), "p", v4(a)))).isEqualTo(a);
        assertThat(ipam.journalStats().records()).isEqualTo(1);
        assertThat(ipam.allocate(AllocationRequest.of(AttachmentKey.of("c1", "net1"), "p"))).isNotEqualTo(a);
    }

    @Test
    void addWithAnotherPoolOrAddressIsAConflict() {
        Ipam ipam = open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/24")), Pool.of("q", IpRange.of("10.1.0.0/24")));
        ipam.allocate(AllocationRequest.of(key(1), "p"));
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(1), "q")))
                .hasFieldOrPropertyWithValue("reason", Reason.CONFLICT).hasMessageContaining("already holds");
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(1), "p", "10.0.0.77")))
                .hasFieldOrPropertyWithValue("reason", Reason.CONFLICT);
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(2), "nope")))
                .hasFieldOrPropertyWithValue("reason", Reason.NOT_FOUND);
    }

    @Test
    void dualStackGivesOneAddressPerFamilyAndUndoesIpv4WhenIpv6IsExhausted() {
        // fd00::/126 holds ::2 and ::3 (::0 is the network, ::1 the gateway).
        Ipam ipam = open(Duration.ZERO, Pool.of("ds", IpRange.of("10.0.0.0/24"), IpRange.of("fd00::/126")));
        Allocation a = ipam.allocate(AllocationRequest.of(key(1), "ds"));
        assertThat(a.addresses()).extracting(AssignedAddress::cidrText).containsExactly("10.0.0.2/24", "fd00::2/126");
        ipam.allocate(AllocationRequest.of(key(2), "ds"));
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(3), "ds")))
                .hasFieldOrPropertyWithValue("reason", Reason.EXHAUSTED).hasMessageContaining("no free IPv6 address");
        PoolStatus status = ipam.status().pools().getFirst();
        assertThat(status.ipv4().used()).isEqualTo(2);
        assertThat(status.ipv6().used()).isEqualTo(2);
        ipam.release(key(2));
        // The failed attempt left neither its address nor a moved cursor behind.
        assertThat(ipam.allocate(AllocationRequest.of(key(3), "ds")).addresses())
                .extracting(AssignedAddress::cidrText).containsExactly("10.0.0.4/24", "fd00::3/126");
    }

    @Test
    void specificAddressesAreGivenOrRefusedWithTheRightReason() {
        Ipam ipam = open(Duration.ofSeconds(30), Pool.of("ds", IpRange.of("10.0.0.0/24"), IpRange.of("fd00::/120")));
        Allocation a = ipam.allocate(AllocationRequest.of(key(1), "ds", "10.0.0.77"));
        assertThat(a.addresses()).extracting(x -> x.address().toString()).containsExactly("10.0.0.77", "fd00::2");
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(2), "ds", "10.0.0.77")))
                .hasFieldOrPropertyWithValue("reason", Reason.CONFLICT).hasMessageContaining("held by c1/eth0");
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(2), "ds", "10.9.0.1")))
                .hasFieldOrPropertyWithValue("reason", Reason.INVALID_REQUEST).hasMessageContaining("outside every range");
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(2), "ds", "10.0.0.1")))
                .hasFieldOrPropertyWithValue("reason", Reason.INVALID_REQUEST).hasMessageContaining("gateway");
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(2), "ds", "10.0.0.255")))
                .hasFieldOrPropertyWithValue("reason", Reason.INVALID_REQUEST).hasMessageContaining("outside every range");
        assertThatThrownBy(() -> AllocationRequest.of(key(2), "ds", "10.0.0.5", "10.0.0.6"))
                .hasFieldOrPropertyWithValue("reason", Reason.INVALID_REQUEST);
        Allocation both = ipam.allocate(AllocationRequest.of(key(2), "ds", "fd00::80", "10.0.0.5"));
        assertThat(both.addresses()).extracting(x -> x.address().toString()).containsExactly("10.0.0.5", "fd00::80");
        ipam.release(key(1));
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(3), "ds", "10.0.0.77")))
                .hasFieldOrPropertyWithValue("reason", Reason.CONFLICT).hasMessageContaining("quarantine until");
        assertThat(ipam.allocations()).hasSize(1);
    }

    @Test
    void quarantineHoldsReleasedAddressesForThirtySecondsAndSaysSoWhenExhausted() {
        Ipam ipam = open(IpamOptions.DEFAULT_QUARANTINE, Pool.of("p", IpRange.of("10.0.0.0/29")));
        List<String> all = drain(ipam, "p");
        clock.advance(Duration.ofSeconds(1));
        ipam.release(key(1));
        ipam.release(key(3));
        ipam.release(key(4));
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(9), "p")))
                .hasFieldOrPropertyWithValue("reason", Reason.EXHAUSTED)
                .hasMessage("pool p has no free IPv4 address: 3 addresses in quarantine until 2025-01-01T00:00:31Z");
        assertThat(ipam.status().pools().getFirst().ipv4()).isEqualTo(new PoolStatus.Counts(5, 2, 0, 3));
        clock.advance(Duration.ofMillis(29_999));
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(9), "p")))
                .hasFieldOrPropertyWithValue("reason", Reason.EXHAUSTED);
        clock.advance(Duration.ofMillis(1));
        assertThat(v4(ipam.allocate(AllocationRequest.of(key(9), "p")))).isIn(all.get(1), all.get(3), all.get(4));
        assertThat(ipam.status().pools().getFirst().ipv4()).isEqualTo(new PoolStatus.Counts(5, 3, 2, 0));
    }

    @Test
    void quarantineSurvivesARestart() {
        Ipam ipam = open(IpamOptions.DEFAULT_QUARANTINE, Pool.of("p", IpRange.of("10.0.0.0/29")));
        drain(ipam, "p");
        ipam.release(key(2));
        ipam.close();
        clock.advance(Duration.ofSeconds(10));
        Ipam reopened = open(IpamOptions.DEFAULT_QUARANTINE, Pool.of("p", IpRange.of("10.0.0.0/29")));
        assertThatThrownBy(() -> reopened.allocate(AllocationRequest.of(key(9), "p")))
                .hasMessageEndingWith("1 addresses in quarantine until 2025-01-01T00:00:30Z");
        clock.advance(Duration.ofSeconds(20));
        assertThat(v4(reopened.allocate(AllocationRequest.of(key(9), "p")))).isEqualTo("10.0.0.4");
    }

    @Test
    void allocationsFromARangeNoLongerConfiguredStayListedAndReleasable() {
        Ipam ipam = open(Duration.ZERO, Pool.of("old", IpRange.of("10.0.0.0/24")));
        ipam.allocate(AllocationRequest.of(key(1), "old"));
        ipam.close();
        Ipam reopened = open(Duration.ZERO, Pool.of("new", IpRange.of("10.1.0.0/24")));
        Allocation orphan = reopened.find(key(1)).orElseThrow();
        assertThat(orphan.pool()).isEqualTo("old");
        assertThat(orphan.addresses().getFirst().cidrText()).isEqualTo("10.0.0.2/32");
        assertThat(orphan.addresses().getFirst().gateway()).isEmpty();
        assertThat(reopened.gc("new", Set.of())).isEmpty();
        assertThat(reopened.gc(Set.of())).containsExactly(orphan);
        reopened.close();
        assertThat(open(Duration.ZERO, Pool.of("new", IpRange.of("10.1.0.0/24"))).allocations()).isEmpty();
    }

    @Test
    void releasingAnAllocationHalfOutsideTheConfiguredRangesFreesTheHalfInside() {
        Ipam ipam = open(Duration.ZERO, Pool.of("ds", IpRange.of("10.0.0.0/24"), IpRange.of("fd00::/120")));
        ipam.allocate(AllocationRequest.of(key(1), "ds"));
        ipam.close();
        Ipam reopened = open(Duration.ZERO, Pool.of("ds", IpRange.of("10.0.0.0/24")));
        assertThat(reopened.find(key(1)).orElseThrow().addresses()).extracting(AssignedAddress::cidrText)
                .containsExactly("10.0.0.2/24", "fd00::2/128");
        assertThat(reopened.use(Addresses.parse("10.0.0.2"))).isEqualTo(new AddressUse.Held(key(1)));

        reopened.release(key(1));

        assertThat(reopened.use(Addresses.parse("10.0.0.2")).isFree()).isTrue();
        assertThat(reopened.poolStatus().getFirst().ipv4().used()).isZero();
    }

    @Test
    void allExhaustedWithoutQuarantineSaysAllInUse() {
        Ipam ipam = open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/29")));
        drain(ipam, "p");
        assertThatThrownBy(() -> ipam.allocate(AllocationRequest.of(key(9), "p")))
                .hasMessage("pool p has no free IPv4 address: all 5 addresses are in use");
    }

    @Test
    void releaseIsIdempotentAndReleaseContainerTakesEveryInterface() {
        Ipam ipam = open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/24")));
        assertThat(ipam.release(key(1))).isEmpty();
        ipam.allocate(AllocationRequest.of(AttachmentKey.of("c1", "eth0"), "p"));
        ipam.allocate(AllocationRequest.of(AttachmentKey.of("c1", "net1"), "p"));
        ipam.allocate(AllocationRequest.of(AttachmentKey.of("c10", "eth0"), "p"));
        assertThat(ipam.releaseContainer("c1")).extracting(Allocation::key)
                .containsExactly(AttachmentKey.of("c1", "eth0"), AttachmentKey.of("c1", "net1"));
        assertThat(ipam.releaseContainer("c1")).isEmpty();
        assertThat(ipam.allocations()).extracting(Allocation::key).containsExactly(AttachmentKey.of("c10", "eth0"));
    }

    @Test
    void gcReleasesEverythingNotInTheValidSet() {
        Ipam ipam = open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/24")), Pool.of("q", IpRange.of("10.1.0.0/24")));
        for (int i = 0; i < 4; i++) {
            ipam.allocate(AllocationRequest.of(key(i), i < 3 ? "p" : "q"));
        }
        assertThat(ipam.gc("p", Set.of(key(1)))).extracting(Allocation::key).containsExactly(key(0), key(2));
        assertThat(ipam.gc(Set.of(key(1)))).extracting(Allocation::key).containsExactly(key(3));
        assertThat(ipam.allocations()).extracting(Allocation::key).containsExactly(key(1));
    }

    @Test
    void statusListsEveryAllocationWithItsTime() {
        Ipam ipam = open(Duration.ZERO, Pool.of("ds", IpRange.of("10.0.0.0/24"), IpRange.of("fd00::/120")));
        Allocation a = ipam.allocate(AllocationRequest.of(key(1), "ds"));
        IpamStatus status = ipam.status();
        assertThat(status.pools()).containsExactly(new PoolStatus("ds", new PoolStatus.Counts(253, 1, 252, 0),
                new PoolStatus.Counts(254, 1, 253, 0)));
        assertThat(status.allocations()).containsExactly(a);
        assertThat(a.allocatedAt()).isEqualTo(clock.instant());
        assertThat(a.pool()).isEqualTo("ds");
    }

    @Test
    void overlappingPoolsAndASecondOpenAreRefused() {
        assertThatThrownBy(() -> open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/24")),
                Pool.of("q", IpRange.of("10.0.0.128/25")))).hasMessageContaining("overlaps range");
        open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/24")));
        assertThatThrownBy(() -> open(Duration.ZERO, Pool.of("p", IpRange.of("10.0.0.0/24"))))
                .hasMessageContaining("already open");
    }
}
